package lakeops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The input columns of an MLflow model, from the column signature in its {@code MLmodel}, as the
 * Spark schema the pipeline was fitted on: MLflow's {@code integer} is an int, {@code long} a long,
 * {@code datetime} a timestamp; a column is nullable unless {@code required}.
 */
final class ModelSignature {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private ModelSignature() {}

  static StructType inputs(Path modelDir, String model) {
    JsonNode inputs;
    try {
      JsonNode mlmodel = YAML.readTree(modelDir.resolve("MLmodel").toFile());
      JsonNode text = mlmodel.path("signature").path("inputs");
      if (!text.isTextual()) {
        throw ServingErrors.noSignature(model);
      }
      inputs = JSON.readTree(text.asText());
    } catch (IOException e) {
      throw ServingErrors.cannotLoad(model, "cannot read its MLmodel (" + e.getMessage() + ")", e);
    }
    StructType schema = new StructType();
    for (JsonNode column : inputs) {
      String name = column.path("name").asText("");
      if (name.isEmpty()) {
        throw ServingErrors.noSignature(model);
      }
      String type = column.path("type").asText("");
      schema =
          schema.add(name, sparkType(model, name, type), !column.path("required").asBoolean(false));
    }
    if (schema.isEmpty()) {
      throw ServingErrors.noSignature(model);
    }
    return schema;
  }

  private static DataType sparkType(String model, String column, String type) {
    return switch (type) {
      case "string" -> DataTypes.StringType;
      case "double" -> DataTypes.DoubleType;
      case "float" -> DataTypes.FloatType;
      case "integer" -> DataTypes.IntegerType;
      case "long" -> DataTypes.LongType;
      case "boolean" -> DataTypes.BooleanType;
      case "binary" -> DataTypes.BinaryType;
      case "datetime" -> DataTypes.TimestampType;
      default -> throw ServingErrors.unsupportedColumnType(model, column, type);
    };
  }
}
