package lakeops.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lakeops.env.LakeOpsHome;

/**
 * A silver table's definition: the bronze table it reads, its columns as SQL expressions over the
 * source, and the expectations each row must meet. Written in {@code
 * conf/expectations/<schema>.<table>.yml} ({@link SilverSpecLoader}) or built in code.
 *
 * @param source the source table as {@code schema.table}, in the target's catalog
 * @param columns the silver columns in order: name to SQL expression over the source
 * @param expectations the rules, checked in order
 */
record SilverSpec(String source, Map<String, String> columns, List<Expectation> expectations) {

  /** Refuses a bad source, no columns, or two expectations of one name; copies the rest. */
  public SilverSpec {
    if (source == null || !source.matches("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+")) {
      throw IngestErrors.badSilverSource(source);
    }
    if (columns == null || columns.isEmpty()) {
      throw IngestErrors.noColumns(source);
    }
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    expectations = expectations == null ? List.of() : List.copyOf(expectations);
    long distinct = expectations.stream().map(Expectation::name).distinct().count();
    if (distinct != expectations.size()) {
      throw IngestErrors.duplicateExpectations(source);
    }
  }

  /**
   * The spec of {@code table} ({@code schema.table}) from {@code conf/expectations/} of {@code
   * home}.
   */
  public static SilverSpec load(LakeOpsHome home, String schemaDotTable) {
    return new SilverSpecLoader()
        .load(
            home.confDir()
                .resolve(IngestProperties.EXPECTATIONS_DIR)
                .resolve(schemaDotTable + ".yml"));
  }

  /** This spec with {@code expectations} instead of its own. */
  public SilverSpec withExpectations(List<Expectation> replaced) {
    return new SilverSpec(source, columns, replaced);
  }
}
