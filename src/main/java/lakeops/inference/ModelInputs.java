package lakeops.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTable;
import lakeops.features.ModelFeatureSpec;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What one downloaded model version needs from an input table: the columns of its signature that no
 * feature lookup supplies (keys, times, raw columns) with their types, its lookup keys and its
 * timestamp lookup key.
 *
 * @param model {@code name/version}, for messages
 * @param lookups the model's stored feature lookups
 * @param required input column → the type the model expects (null: any type, a key the signature
 *     does not list)
 * @param keyColumns lookup keys, then timestamp lookup keys, each once, in lookup order
 * @param timestampKey the first lookup's timestamp lookup key, if any
 */
record ModelInputs(
    String model,
    List<FeatureLookup> lookups,
    Map<String, DataType> required,
    List<String> keyColumns,
    Optional<String> timestampKey) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /** The inputs of the MLflow model in {@code dir}, its lookups resolved in {@code spark}. */
  static ModelInputs read(SparkSession spark, String model, Path dir) {
    ModelFeatureSpec spec = ModelFeatureSpec.readFrom(dir);
    StructType signature = signature(model, dir);
    List<String> supplied = new ArrayList<>();
    FeatureStore store = FeatureStore.of(spark);
    List<String> keys = new ArrayList<>();
    List<String> times = new ArrayList<>();
    for (FeatureLookup lookup : spec.lookups()) {
      featureColumns(lookup, store.table(lookup.table()))
          .forEach(f -> supplied.add(lookup.outputName(f)));
      lookup.lookupKeys().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
      lookup.timestampLookupKey().filter(t -> !times.contains(t)).ifPresent(times::add);
    }
    times.stream().filter(t -> !keys.contains(t)).forEach(keys::add);
    Map<String, DataType> required = new LinkedHashMap<>();
    for (StructField field : signature.fields()) {
      if (!supplied.contains(field.name()) || keys.contains(field.name())) {
        required.put(field.name(), field.dataType());
      }
    }
    keys.forEach(k -> required.putIfAbsent(k, null));
    return new ModelInputs(model, spec.lookups(), required, keys, times.stream().findFirst());
  }

  /** Copies the collections. */
  ModelInputs {
    lookups = List.copyOf(lookups);
    required = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(required));
    keyColumns = List.copyOf(keyColumns);
  }

  /**
   * Refuses {@code input} (naming every missing and mistyped column) unless it has every required
   * column with the type the model expects.
   */
  void check(String inputTable, StructType input) {
    List<String> missing = new ArrayList<>();
    List<String> mistyped = new ArrayList<>();
    List<String> names = Arrays.asList(input.fieldNames());
    required.forEach(
        (column, type) -> {
          if (!names.contains(column)) {
            missing.add(column + (type == null ? "" : " (" + type.simpleString() + ")"));
          } else if (type != null && !compatible(type, input.apply(column).dataType())) {
            mistyped.add(
                String.format(
                    "%s (%s, the model expects %s)",
                    column, input.apply(column).dataType().simpleString(), type.simpleString()));
          }
        });
    if (!missing.isEmpty() || !mistyped.isEmpty()) {
      throw InferenceErrors.mismatchedInput(inputTable, model, missing, mistyped);
    }
  }

  /** MLflow's one {@code datetime} type stands for Spark's timestamps with and without zone. */
  private static boolean compatible(DataType expected, DataType actual) {
    return actual.equals(expected)
        || (expected.equals(DataTypes.TimestampType) && actual.equals(DataTypes.TimestampNTZType));
  }

  private static List<String> featureColumns(FeatureLookup lookup, FeatureTable table) {
    if (!lookup.features().isEmpty()) {
      return lookup.features();
    }
    List<String> keys = table.spec().rowKeys();
    return Arrays.stream(table.schema().fieldNames()).filter(c -> !keys.contains(c)).toList();
  }

  /** The input columns of the model's {@code MLmodel} signature, as Spark types. */
  private static StructType signature(String model, Path dir) {
    JsonNode inputs;
    try {
      JsonNode text =
          YAML.readTree(dir.resolve("MLmodel").toFile()).path("signature").path("inputs");
      if (!text.isTextual()) {
        throw InferenceErrors.noSignature(model);
      }
      inputs = JSON.readTree(text.asText());
    } catch (IOException e) {
      throw InferenceErrors.cannotDownload(model, e);
    }
    StructType schema = new StructType();
    for (JsonNode column : inputs) {
      String name = column.path("name").asText("");
      if (name.isEmpty()) {
        throw InferenceErrors.noSignature(model);
      }
      schema = schema.add(name, sparkType(model, name, column.path("type").asText("")));
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
      default -> throw InferenceErrors.unsupportedSignatureType(model, column, type);
    };
  }
}
