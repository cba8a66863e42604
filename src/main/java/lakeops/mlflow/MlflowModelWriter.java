package lakeops.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a Spark ML {@link PipelineModel} as the MLflow model directory Python MLflow reads with
 * {@code mlflow.spark.load_model} and {@code mlflow.pyfunc.load_model}: {@code MLmodel} with the
 * {@code spark} flavor ({@code model_data: sparkml}) and the {@code python_function} flavor ({@code
 * loader_module: mlflow.spark}), the saved pipeline under {@code sparkml/}, {@code
 * requirements.txt}, {@code python_env.yaml}, {@code conda.yaml}, a signature and an input example
 * ({@code input_example.json}, pandas "split" orient, and {@code serving_input_example.json}).
 */
public final class MlflowModelWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          // Python reads an unquoted 3.11 as a float; MLflow expects version strings.
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();
  private static final DateTimeFormatter NAIVE_UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private MlflowModelWriter() {}

  /**
   * Writes {@code model} to {@code dir} (created; must not hold an MLmodel yet) with {@code
   * inputExample}'s columns as the signature's inputs and its rows as the input example.
   */
  public static void write(PipelineModel model, Dataset<Row> inputExample, Path dir) {
    if (Files.exists(dir.resolve("MLmodel"))) {
      throw MlflowErrors.modelExists(dir);
    }
    try {
      Files.createDirectories(dir);
      String sparkVersion = inputExample.sparkSession().version();
      model
          .write()
          .overwrite()
          .save(dir.resolve(MlflowProperties.SPARK_MODEL_DATA).toUri().toString());
      List<Row> rows = inputExample.collectAsList();
      writeExample(inputExample.schema(), rows, dir);
      writeEnvironment(dir, sparkVersion);
      writeMlmodel(dir, sparkVersion, inputExample.schema());
    } catch (IOException e) {
      throw MlflowErrors.cannot("write MLflow model to " + dir, e);
    }
  }

  /** Sets {@code run_id} in {@code dir}/MLmodel: called when the model is logged to a run. */
  @SuppressWarnings("unchecked")
  public static void setRunId(Path dir, String runId) {
    Path file = dir.resolve("MLmodel");
    try {
      Map<String, Object> mlmodel = YAML.readValue(file.toFile(), LinkedHashMap.class);
      mlmodel.put("run_id", runId);
      YAML.writeValue(file.toFile(), mlmodel);
    } catch (IOException e) {
      throw MlflowErrors.cannot("update " + file, e);
    }
  }

  private static void writeMlmodel(Path dir, String sparkVersion, StructType inputSchema) {
    Map<String, Object> mlmodel = new LinkedHashMap<>();
    mlmodel.put("artifact_path", MlflowProperties.MODEL_ARTIFACT_PATH);
    Map<String, Object> pyfunc = new LinkedHashMap<>();
    pyfunc.put("data", MlflowProperties.SPARK_MODEL_DATA);
    pyfunc.put("env", Map.of("conda", "conda.yaml", "virtualenv", "python_env.yaml"));
    pyfunc.put("loader_module", "mlflow.spark");
    pyfunc.put("python_version", MlflowProperties.PYTHON_VERSION);
    Map<String, Object> spark = new LinkedHashMap<>();
    spark.put("code", null);
    spark.put("model_class", "pyspark.ml.pipeline.PipelineModel");
    spark.put("model_data", MlflowProperties.SPARK_MODEL_DATA);
    spark.put("pyspark_version", sparkVersion);
    mlmodel.put("flavors", Map.of("python_function", pyfunc, "spark", spark));
    mlmodel.put("mlflow_version", MlflowProperties.MLFLOW_PIP_REQUIREMENT.replaceAll(".*==", ""));
    mlmodel.put("model_size_bytes", size(dir));
    mlmodel.put(
        "model_uuid",
        UUID.nameUUIDFromBytes(dir.toString().getBytes(StandardCharsets.UTF_8))
            .toString()
            .replace("-", ""));
    Map<String, Object> example = new LinkedHashMap<>();
    example.put("artifact_path", "input_example.json");
    example.put("pandas_orient", "split");
    example.put("serving_input_path", "serving_input_example.json");
    example.put("type", "dataframe");
    mlmodel.put("saved_input_example_info", example);
    Map<String, Object> signature = new LinkedHashMap<>();
    signature.put("inputs", signatureInputs(inputSchema));
    signature.put(
        "outputs",
        "[{\"type\": \"double\", \"name\": \""
            + MlflowProperties.PREDICTION_COLUMN
            + "\", \"required\": true}]");
    signature.put("params", null);
    mlmodel.put("signature", signature);
    mlmodel.put("utc_time_created", CREATED.format(Instant.now()));
    try {
      YAML.writeValue(dir.resolve("MLmodel").toFile(), mlmodel);
    } catch (IOException e) {
      throw MlflowErrors.cannot("write " + dir.resolve("MLmodel"), e);
    }
  }

  /** MLflow's column-spec JSON of {@code schema} ({@code [{"type": "double", "name": …}]}). */
  public static String columnSpec(StructType schema) {
    return signatureInputs(schema);
  }

  static String signatureInputs(StructType schema) {
    ArrayNode columns = JSON.createArrayNode();
    for (StructField field : schema.fields()) {
      columns
          .addObject()
          .put("type", mlflowType(field.dataType()))
          .put("name", field.name())
          .put("required", !field.nullable());
    }
    return columns.toString();
  }

  private static String mlflowType(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return "string";
    } else if (type.equals(DataTypes.DoubleType)) {
      return "double";
    } else if (type.equals(DataTypes.FloatType)) {
      return "float";
    } else if (type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.ByteType)) {
      return "integer";
    } else if (type.equals(DataTypes.LongType)) {
      return "long";
    } else if (type.equals(DataTypes.BooleanType)) {
      return "boolean";
    } else if (type.equals(DataTypes.BinaryType)) {
      return "binary";
    } else if (type.equals(DataTypes.TimestampType)
        || type.equals(DataTypes.TimestampNTZType)
        || type.equals(DataTypes.DateType)) {
      return "datetime";
    }
    throw MlflowErrors.noSignatureType(type.simpleString());
  }

  private static void writeExample(StructType schema, List<Row> rows, Path dir) throws IOException {
    ObjectNode split = JSON.createObjectNode();
    ArrayNode columns = split.putArray("columns");
    for (String name : schema.fieldNames()) {
      columns.add(name);
    }
    ArrayNode data = split.putArray("data");
    for (Row row : rows) {
      ArrayNode values = data.addArray();
      for (int i = 0; i < schema.size(); i++) {
        values.addPOJO(jsonValue(row.get(i)));
      }
    }
    Files.writeString(dir.resolve("input_example.json"), JSON.writeValueAsString(split));
    ObjectNode serving = JSON.createObjectNode();
    serving.set("dataframe_split", split);
    Files.writeString(
        dir.resolve("serving_input_example.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(serving));
  }

  /** Times as naive UTC ISO strings: the form pandas reads back for a {@code datetime} column. */
  private static Object jsonValue(Object value) {
    if (value instanceof java.sql.Timestamp ts) {
      return NAIVE_UTC.format(ts.toInstant());
    } else if (value instanceof Instant instant) {
      return NAIVE_UTC.format(instant);
    } else if (value instanceof java.time.LocalDateTime local) {
      return local.toString();
    } else if (value instanceof java.sql.Date date) {
      return date.toLocalDate().toString();
    } else if (value instanceof java.math.BigDecimal decimal) {
      return decimal.doubleValue();
    }
    return value;
  }

  private static void writeEnvironment(Path dir, String sparkVersion) throws IOException {
    List<String> requirements =
        List.of(MlflowProperties.MLFLOW_PIP_REQUIREMENT, "pyspark==" + sparkVersion);
    Files.writeString(dir.resolve("requirements.txt"), String.join("\n", requirements) + "\n");
    Files.writeString(
        dir.resolve("python_env.yaml"),
        "python: \""
            + MlflowProperties.PYTHON_VERSION
            + "\"\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n");
    StringBuilder conda =
        new StringBuilder(
            "channels:\n- conda-forge\ndependencies:\n- python="
                + MlflowProperties.PYTHON_VERSION
                + "\n- pip\n- pip:\n");
    requirements.forEach(r -> conda.append("  - ").append(r).append('\n'));
    conda.append("name: mlflow-env\n");
    Files.writeString(dir.resolve("conda.yaml"), conda.toString());
  }

  private static long size(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      return 0;
    }
  }
}
