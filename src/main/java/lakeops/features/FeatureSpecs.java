package lakeops.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import lakeops.config.YamlConfig;
import lakeops.exceptions.ValidationException;

/**
 * Reads feature specs, {@code conf/features/*.yml}: strict keys, errors naming the file and the
 * key. Table names are {@code schema.table}, placed in the catalog the specs are loaded for.
 *
 * <pre>{@code
 * tables:
 *   - name: features.origin_delay_stats
 *     description: Departure-airport delay statistics.
 *     owner: ml-platform
 *     tags: {source: gold.flights}
 *     primary_keys: [origin]
 *     timestamp_key: feature_time
 *     query: SELECT origin, ... FROM gold.flights ...
 * }</pre>
 */
final class FeatureSpecs {

  private static final String KIND = "feature spec";

  private FeatureSpecs() {}

  /**
   * The tables of every {@code *.yml} file under {@code location} (or of that one file), in {@code
   * catalog}.
   */
  public static List<ComputedFeatureTable> load(Path location, String catalog) {
    if (!Files.exists(location)) {
      throw FeatureErrors.noSpecs(location);
    }
    List<ComputedFeatureTable> tables = new ArrayList<>();
    for (Path file : files(location)) {
      tables.addAll(loadFile(file, catalog));
    }
    return tables;
  }

  private static List<Path> files(Path location) {
    if (!Files.isDirectory(location)) {
      return List.of(location);
    }
    try (Stream<Path> entries = Files.list(location)) {
      return entries.filter(p -> p.getFileName().toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw FeatureErrors.cannotList(location, e);
    }
  }

  private static List<ComputedFeatureTable> loadFile(Path file, String catalog) {
    YamlConfig config = YamlConfig.of(file, KIND);
    SpecFile raw = config.bind(config.readMapping("tables"), SpecFile.class);
    config.require(
        "tables", raw.tables() != null && !raw.tables().isEmpty(), "is missing or empty");
    List<ComputedFeatureTable> tables = new ArrayList<>();
    for (int i = 0; i < raw.tables().size(); i++) {
      tables.add(table(config, "tables[" + i + "]", raw.tables().get(i), catalog));
    }
    return tables;
  }

  private static ComputedFeatureTable table(
      YamlConfig config, String key, TableEntry entry, String catalog) {
    config.require(key, entry != null, "is empty");
    config.require(
        key + ".name",
        entry.name() != null && entry.name().split("\\.").length == 2,
        "must be schema.table, e.g. features.origin_delay_stats");
    config.require(
        key + ".primary_keys",
        entry.primaryKeys() != null && !entry.primaryKeys().isEmpty(),
        "is missing or empty");
    config.require(key + ".query", entry.query() != null && !entry.query().isBlank(), "is missing");
    FeatureTableSpec.Builder spec =
        FeatureTableSpec.builder(catalog + "." + entry.name())
            .primaryKeys(entry.primaryKeys().toArray(String[]::new))
            .description(entry.description())
            .owner(entry.owner());
    if (entry.timestampKey() != null) {
      spec.timestampKey(entry.timestampKey());
    }
    if (entry.tags() != null) {
      entry.tags().forEach(spec::tag);
    }
    try {
      return new ComputedFeatureTable(spec.build(), entry.query());
    } catch (ValidationException e) {
      throw config.invalidKey(key, e.getMessage());
    }
  }

  /** The file as written. */
  record SpecFile(List<TableEntry> tables) {}

  /** One entry of {@code tables}. */
  record TableEntry(
      String name,
      String description,
      String owner,
      LinkedHashMap<String, String> tags,
      List<String> primaryKeys,
      String timestampKey,
      String query) {}
}
