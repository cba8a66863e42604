package lakeops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A registered model: its name, description, tags and aliases (alias → version).
 *
 * @param name registered model name ({@code dev.ml.flight_delay})
 * @param description description, possibly empty
 * @param tags model tags
 * @param aliases alias → version number
 * @param updatedAtMillis last update, epoch milliseconds
 */
public record RegisteredModel(
    String name,
    String description,
    Map<String, String> tags,
    Map<String, Integer> aliases,
    long updatedAtMillis) {

  /** Copies the tags and aliases. */
  public RegisteredModel {
    tags = Map.copyOf(tags);
    aliases = Map.copyOf(aliases);
  }

  static RegisteredModel fromJson(JsonNode node) {
    Map<String, String> tags = new LinkedHashMap<>();
    node.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
    Map<String, Integer> aliases = new LinkedHashMap<>();
    node.path("aliases")
        .forEach(a -> aliases.put(a.path("alias").asText(), a.path("version").asInt()));
    return new RegisteredModel(
        node.path("name").asText(),
        node.path("description").asText(""),
        tags,
        aliases,
        node.path("last_updated_timestamp").asLong());
  }
}
