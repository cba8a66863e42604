package lakeops.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import lakeops.config.YamlConfig;
import lakeops.exceptions.ValidationException;

/**
 * Reads one expectations file, {@code conf/expectations/<schema>.<table>.yml}: strict keys, and
 * every error names the file and the key.
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

  private static final String KIND = "expectations";

  SilverSpec load(Path file) {
    YamlConfig config = YamlConfig.of(file, KIND);
    SpecFile raw = config.bind(config.readMapping("source, columns, expectations"), SpecFile.class);
    config.require("source", raw.source() != null, "is missing");
    config.require(
        "columns", raw.columns() != null && !raw.columns().isEmpty(), "is missing or empty");
    List<Expectation> expectations = new ArrayList<>();
    List<RuleEntry> entries = raw.expectations() == null ? List.of() : raw.expectations();
    for (int i = 0; i < entries.size(); i++) {
      expectations.add(expectation(config, "expectations[" + i + "]", entries.get(i)));
    }
    try {
      return new SilverSpec(raw.source(), raw.columns(), expectations);
    } catch (ValidationException e) {
      throw config.invalid(e.getMessage());
    }
  }

  private static Expectation expectation(YamlConfig config, String key, RuleEntry entry) {
    config.require(key, entry != null, "is empty");
    config.require(key + ".name", entry.name() != null, "is missing");
    config.require(key + ".rule", entry.rule() != null && !entry.rule().isBlank(), "is missing");
    config.require(key + ".action", entry.action() != null, "is missing (warn, drop or fail)");
    try {
      return new Expectation(entry.name(), entry.rule(), Expectation.Action.parse(entry.action()));
    } catch (ValidationException e) {
      throw config.invalidKey(key, e.getMessage());
    }
  }

  /** The file as written. */
  record SpecFile(
      String source, LinkedHashMap<String, String> columns, List<RuleEntry> expectations) {}

  /** One entry of {@code expectations}. */
  record RuleEntry(String name, String rule, String action) {}
}
