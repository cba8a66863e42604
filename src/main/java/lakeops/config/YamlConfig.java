package lakeops.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import lakeops.exceptions.InvalidConfigException;

/**
 * One YAML configuration file of a kind ("environment", "job", …), read strictly: snake_case keys
 * bound to records, unknown keys and wrong types refused, and every error naming the file and the
 * key ({@code Invalid job file jobs/x.yml: unknown key 'tasks[0].dependson' (known here: …)}).
 * {@link #toYaml} writes such a record back in the same form.
 */
public final class YamlConfig {

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final ObjectWriter WRITER =
      MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL).writer();

  private final Path file;
  private final String kind;

  private YamlConfig(Path file, String kind) {
    this.file = file;
    this.kind = kind;
  }

  /**
   * The {@code kind} file at {@code file}; {@code kind} appears in messages ("Invalid job file …").
   */
  public static YamlConfig of(Path file, String kind) {
    return new YamlConfig(file, kind);
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /**
   * The file's top-level mapping; {@code expectedKeys} describes it when the file is no mapping.
   */
  public JsonNode readMapping(String expectedKeys) {
    if (!Files.isRegularFile(file)) {
      throw invalid("file does not exist");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw invalid("not valid YAML: " + firstLine(e.getMessage()));
    }
    if (tree == null || !tree.isObject()) {
      throw invalid("expected a YAML mapping with keys " + expectedKeys);
    }
    return tree;
  }

  /**
   * {@code value} (a record of a config file) as the YAML it would be read from: snake_case keys,
   * null values left out.
   */
  public static String toYaml(Object value) {
    try {
      return WRITER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot write "
              + value.getClass().getSimpleName()
              + " as YAML: "
              + e.getOriginalMessage(),
          e);
    }
  }

  /** Binds {@code tree} to {@code type}, turning Jackson's errors into ones naming file and key. */
  public <T> T bind(JsonNode tree, Class<T> type) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "));
      throw invalid(String.format("unknown key '%s' (known here: %s)", keyPath(e), known));
    } catch (JsonMappingException e) {
      throw invalid(
          String.format(
              "bad value for key '%s': %s", keyPath(e), firstLine(e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      throw invalid(firstLine(e.getOriginalMessage()));
    }
  }

  /**
   * Refuses the file unless {@code condition} holds: {@code key '<key>' <problem>}, where {@code
   * problem} says what is wrong with the key's value as a predicate ({@code is missing}, {@code
   * must be at least 1, got 0}).
   */
  public void require(String key, boolean condition, String problem) {
    if (!condition) {
      throw invalid(String.format("key '%s' %s", key, problem));
    }
  }

  /**
   * An error about the value of {@code key} whose own message is complete (the error of a value
   * refused where it was built): {@code Invalid <kind> file <file>: key '<key>': <message>}.
   */
  public InvalidConfigException invalidKey(String key, String message) {
    return invalid(String.format("key '%s': %s", key, message));
  }

  /** An error about this file: {@code Invalid <kind> file <file>: <problem>}. */
  public InvalidConfigException invalid(String problem) {
    return new InvalidConfigException(String.format("Invalid %s file %s: %s", kind, file, problem));
  }

  private static String keyPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
