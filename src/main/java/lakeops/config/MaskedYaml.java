package lakeops.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings written as YAML for people to read, secrets masked: the value of every key that names a
 * secret (secret, password, token, credential, access key, session key; any case), in nested
 * mappings at any depth, is written as {@value #MASK}.
 */
public final class MaskedYaml {

  /** What a secret's value is written as. */
  public static final String MASK = "****";

  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|token|credential|access[._]?key|session[._]?key).*");

  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private MaskedYaml() {}

  /** Whether the value of {@code key} is a secret. */
  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  /**
   * {@code value} (a record, bean or map; snake_case keys) as YAML, followed by the top-level keys
   * of {@code extraKeys} in their order, with secrets masked.
   */
  public static String write(Object value, Map<String, ?> extraKeys) {
    ObjectNode tree = YAML.valueToTree(value);
    extraKeys.forEach(tree::putPOJO);
    ObjectNode masked = YAML.valueToTree(tree);
    mask(masked);
    try {
      return YAML.writeValueAsString(masked);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "Cannot write " + value.getClass().getSimpleName() + " as YAML", e);
    }
  }

  private static void mask(ObjectNode node) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue() instanceof ObjectNode child) {
        mask(child);
      } else if (isSecret(field.getKey()) && !field.getValue().isNull()) {
        field.setValue(node.textNode(MASK));
      }
    }
  }
}
