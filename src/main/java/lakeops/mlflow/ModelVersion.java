package lakeops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of a registered model, as the registry reports it.
 *
 * @param name registered model name
 * @param version version number
 * @param source artifact URI of the model directory
 * @param runId run that produced it (empty if none)
 * @param stage legacy stage: None, Staging, Production or Archived
 * @param status READY, PENDING_REGISTRATION or FAILED_REGISTRATION
 * @param aliases aliases pointing at this version
 * @param tags version tags
 * @param createdAtMillis creation time, epoch milliseconds
 */
public record ModelVersion(
    String name,
    int version,
    String source,
    String runId,
    String stage,
    String status,
    List<String> aliases,
    Map<String, String> tags,
    long createdAtMillis) {

  /** Copies the aliases and tags. */
  public ModelVersion {
    aliases = List.copyOf(aliases);
    tags = Map.copyOf(tags);
  }

  /** {@code models:/<name>/<version>}. */
  public String uri() {
    return "models:/" + name + "/" + version;
  }

  static ModelVersion fromJson(JsonNode node) {
    List<String> aliases = new ArrayList<>();
    node.path("aliases").forEach(a -> aliases.add(a.asText()));
    Map<String, String> tags = new LinkedHashMap<>();
    node.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
    return new ModelVersion(
        node.path("name").asText(),
        node.path("version").asInt(),
        node.path("source").asText(),
        node.path("run_id").asText(""),
        node.path("current_stage").asText("None"),
        node.path("status").asText(""),
        aliases,
        tags,
        node.path("creation_timestamp").asLong());
  }
}
