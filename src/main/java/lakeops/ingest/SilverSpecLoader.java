package lakeops.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;
import lakeops.exceptions.InvalidConfigException;
import lakeops.exceptions.ValidationException;

/**
 * Reads one expectations file, {@code conf/expectations/<schema>.<table>.yml}: strict keys, and every
 * error names the file and the key.
 *
 * <pre>{@code
 * source: bronze.flights
 * columns:
 *   delay_minutes: CAST(delay AS INT)
 * expectations:
 *   - name: delay_present
 *     rule: delay_minutes IS NOT NULL
 *     action: drop          # warn | drop | fail
 * }</pre>
 */
final class SilverSpecLoader {

  private final YAMLMapper mapper = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  SilverSpec load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw invalid(file, "file does not exist");
    }
    SpecFile raw;
    try {
      raw = mapper.readValue(file.toFile(), SpecFile.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw invalid(file, String.format("unknown key '%s' (known here: %s)", keyPath(e), known));
    } catch (JsonMappingException e) {
      throw invalid(file, String.format("bad value for key '%s': %s", keyPath(e),
          firstLine(e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      throw invalid(file, "not valid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw invalid(file, "unreadable: " + e.getMessage());
    }
    if (raw == null) {
      throw invalid(file, "expected a YAML mapping with keys source, columns, expectations");
    }
    require(file, "source", raw.source() != null, "missing");
    require(file, "columns", raw.columns() != null && !raw.columns().isEmpty(), "missing or empty");
    List<Expectation> expectations = new ArrayList<>();
    List<RuleEntry> entries = raw.expectations() == null ? List.of() : raw.expectations();
    for (int i = 0; i < entries.size(); i++) {
      expectations.add(expectation(file, "expectations[" + i + "]", entries.get(i)));
    }
    try {
      return new SilverSpec(raw.source(), raw.columns(), expectations);
    } catch (ValidationException e) {
      throw invalid(file, e.getMessage());
    }
  }

  private static Expectation expectation(Path file, String key, RuleEntry entry) {
    require(file, key, entry != null, "is empty");
    require(file, key + ".name", entry.name() != null, "missing");
    require(file, key + ".rule", entry.rule() != null && !entry.rule().isBlank(), "missing");
    require(file, key + ".action", entry.action() != null, "missing (warn, drop or fail)");
    try {
      return new Expectation(entry.name(), entry.rule(), Expectation.Action.parse(entry.action()));
    } catch (ValidationException e) {
      throw invalid(file, "key '" + key + "': " + e.getMessage());
    }
  }

  private static String keyPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static void require(Path file, String key, boolean condition, String problem) {
    if (!condition) {
      throw invalid(file, String.format("key '%s' %s", key, problem));
    }
  }

  private static InvalidConfigException invalid(Path file, String problem) {
    return new InvalidConfigException(String.format("Invalid expectations file %s: %s", file, problem));
  }

  private static String firstLine(String message) {
    return message == null ? "unreadable" : message.lines().findFirst().orElse("");
  }

  /** The file as written. */
  record SpecFile(String source, LinkedHashMap<String, String> columns, List<RuleEntry> expectations) {}

  /** One entry of {@code expectations}. */
  record RuleEntry(String name, String rule, String action) {}
}
