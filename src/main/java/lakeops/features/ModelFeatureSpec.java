package lakeops.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a model needs from the feature store at scoring time, stored with the model as {@value
 * FeatureProperties#FEATURE_SPEC_FILE}: the lookups used to train it and the Delta version of each
 * feature table it was trained on. Batch scoring then needs only the keys and timestamps.
 *
 * @param lookups the lookups, in training order
 * @param tableVersions feature table → Delta version read at training
 */
public record ModelFeatureSpec(List<FeatureLookup> lookups, Map<String, Long> tableVersions) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Copies the list and map. */
  public ModelFeatureSpec {
    lookups = List.copyOf(lookups);
    tableVersions = Map.copyOf(tableVersions);
  }

  /** The spec of a training set. */
  public static ModelFeatureSpec of(TrainingSet set) {
    return new ModelFeatureSpec(set.lookups(), set.tableVersions());
  }

  /** Writes the spec as JSON to {@code dir}/{@value FeatureProperties#FEATURE_SPEC_FILE}. */
  public Path writeTo(Path dir) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format_version", 1);
    ArrayNode array = root.putArray("lookups");
    for (FeatureLookup lookup : lookups) {
      ObjectNode node = array.addObject();
      node.put("table", lookup.table());
      lookup.lookupKeys().forEach(node.putArray("lookup_keys")::add);
      lookup.timestampLookupKey().ifPresent(t -> node.put("timestamp_lookup_key", t));
      lookup.lookbackWindow().ifPresent(w -> node.put("lookback", w.toString()));
      lookup.features().forEach(node.putArray("features")::add);
      ObjectNode renames = node.putObject("renames");
      lookup.renames().forEach(renames::put);
      node.set("defaults", JSON.valueToTree(lookup.defaults()));
      node.put("as_known_at", lookup.knownAt());
      Long version = tableVersions.get(lookup.table());
      if (version != null) {
        node.put("trained_on_version", version);
      }
    }
    Path file = dir.resolve(FeatureProperties.FEATURE_SPEC_FILE);
    try {
      Files.createDirectories(dir);
      JSON.writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw FeatureErrors.cannotWrite(file, e);
    }
    return file;
  }

  /**
   * Reads the spec a model directory holds; fails naming the file if it is missing or malformed.
   */
  public static ModelFeatureSpec readFrom(Path dir) {
    Path file = dir.resolve(FeatureProperties.FEATURE_SPEC_FILE);
    if (!Files.isRegularFile(file)) {
      throw FeatureErrors.noModelFeatureSpec(dir);
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      List<FeatureLookup> lookups = new ArrayList<>();
      Map<String, Long> versions = new LinkedHashMap<>();
      for (JsonNode node : root.path("lookups")) {
        String table = node.path("table").asText();
        FeatureLookup lookup =
            new FeatureLookup(
                table,
                strings(node.path("lookup_keys")),
                Optional.ofNullable(node.path("timestamp_lookup_key").textValue()),
                Optional.ofNullable(node.path("lookback").textValue()).map(Duration::parse),
                strings(node.path("features")),
                JSON.convertValue(
                    node.path("renames"),
                    JSON.getTypeFactory()
                        .constructMapType(LinkedHashMap.class, String.class, String.class)),
                JSON.convertValue(
                    node.path("defaults"),
                    JSON.getTypeFactory()
                        .constructMapType(LinkedHashMap.class, String.class, Object.class)),
                node.path("as_known_at").asBoolean(false));
        lookups.add(lookup);
        if (node.has("trained_on_version")) {
          versions.put(table, node.path("trained_on_version").asLong());
        }
      }
      return new ModelFeatureSpec(lookups, versions);
    } catch (IOException | IllegalArgumentException e) {
      throw FeatureErrors.badModelFeatureSpec(file, e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
