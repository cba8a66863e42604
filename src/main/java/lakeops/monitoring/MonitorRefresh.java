package lakeops.monitoring;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import lakeops.monitoring.ChangeDetection.Changes;
import lakeops.monitoring.ChangeDetection.Stored;
import lakeops.monitoring.DriftPlan.Drift;
import lakeops.monitoring.ProfileScan.WindowProfile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.delta.files.TahoeFileIndex;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refreshes a monitor's metric tables incrementally. A cheap fingerprint pass (row count and a hash
 * sum per window, over the monitored columns) at the table's current Delta version finds the
 * windows whose data changed since they were profiled; only those are profiled again, in one shared
 * Spark job with the baseline when the baseline changed (its table, or version, differs from the
 * one recorded). Drift is computed from the stored sketches of neighbouring windows and of the
 * baseline, so no other window is read again. The Spark jobs carry the job group {@code
 * lakeops-monitor-<name>}.
 *
 * <p>A refresh runs in steps: {@link ChangeDetection} (which windows changed), the scan ({@link
 * ProfileScan}), {@link DriftPlan} (which windows to compare) and the write ({@link
 * MetricTables#replace}).
 */
final class MonitorRefresh {

  private final SparkSession spark;
  private final String environment;
  private final MonitorSpec spec;

  private MonitorRefresh(SparkSession spark, String environment, MonitorSpec spec) {
    this.spark = spark;
    this.environment = environment;
    this.spec = spec;
  }

  /** A refresh of {@code spec} in {@code environment}'s catalog. */
  public static MonitorRefresh of(SparkSession spark, String environment, MonitorSpec spec) {
    return new MonitorRefresh(spark, environment, spec);
  }

  /** Refreshes the metric tables and returns what was recomputed. */
  public RefreshResult execute() {
    spark
        .sparkContext()
        .setJobGroup(
            "lakeops-monitor-" + spec.name(),
            "monitor "
                + spec.name()
                + ": refresh "
                + MetricTables.qualify(environment, spec.table()),
            false);
    try {
      return refresh();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private RefreshResult refresh() {
    ExecutorService background =
        Executors.newFixedThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "lakeops-monitor-" + spec.name());
              thread.setDaemon(true);
              return thread;
            });
    try {
      return refresh(background);
    } finally {
      background.shutdownNow();
    }
  }

  /**
   * The refresh; {@code background} runs what does not depend on the input scan's plan alongside
   * it: creating the metric tables and, on a first refresh, planning the baseline's scan (reading
   * an older Delta version's snapshot), then writing the two metric tables.
   */
  private RefreshResult refresh(ExecutorService background) {
    String table = MetricTables.qualify(environment, spec.table());
    if (!spark.catalog().tableExists(table)) {
      throw MonitoringErrors.tableNotFound(spec.name(), table, environment);
    }
    MonitorSettings settings = MonitorSettings.of(spark.conf());
    MetricTables tables = MetricTables.of(spark, environment, spec.name());
    // No metric tables yet: nothing stored to read back, and they are created alongside the scan.
    boolean created = tables.missing();
    Future<Boolean> creation = background.submit(tables::create);
    if (!created) {
      await(creation); // one of the two may have been missing still
    }
    ProfileScan scan =
        new ProfileScan(
            spec, settings.sketchSize(), settings.sketchAccuracy(), settings.categoryLimit());
    OptionalLong sharedVersion = sharedBaselineVersion(table);
    Future<JavaRDD<byte[]>> plannedBaseline =
        created ? planBaseline(background, scan, table, sharedVersion) : null;
    Source source = read(table);

    ChangeDetection detection = new ChangeDetection(spark, spec, settings);
    Stored stored =
        created ? Stored.NONE : detection.stored(tables); // tables about to be created hold nothing
    Changes changes = detection.detect(source, scan, stored, baselineId(table, source.version()));
    if (changes.none()) {
      return new RefreshResult(
          spec.name(), source.version(), List.of(), List.of(), false, 0, 0, changes.how());
    }
    Map<WindowKey, WindowProfile> fresh =
        scan(scan, source, changes, plannedBaseline, sharedVersion);
    changes = changes.scanned(fresh, stored);
    Profiled profiled = Profiled.of(fresh, changes, source.version());
    Drift drift =
        new DriftPlan(spark, spec, tables, changes, stored.fingerprints().keySet())
            .drift(profiled.columns());

    await(creation);
    // Nothing recorded yet (first refresh): there is nothing to delete, so skip the two Delta
    // DELETEs.
    tables.replace(
        profiled.rows(),
        drift.rows(),
        changes.changed(),
        changes.removed(),
        drift.consecutiveRedone(),
        changes.baselineChanged(),
        stored.empty());
    return new RefreshResult(
        spec.name(),
        source.version(),
        List.copyOf(changes.changed()),
        List.copyOf(changes.removed()),
        changes.baselineChanged(),
        profiled.rows().size(),
        drift.rows().size(),
        changes.how());
  }

  /**
   * The monitored table as a refresh reads it.
   *
   * @param table its qualified name
   * @param version the Delta version read
   * @param committed that version's commit time when read from the history (a snapshot's window),
   *     else null
   * @param data the rows of that version
   */
  record Source(String table, long version, Timestamp committed, Dataset<Row> data) {}

  /**
   * {@code table} at its latest version: a snapshot's window is its commit's time, from the
   * history; time series need only the version, as reading the Delta table resolves it.
   */
  private Source read(String table) {
    OptionalLong latest =
        spec.profileType() == ProfileType.SNAPSHOT ? OptionalLong.empty() : latestVersion(table);
    Row last =
        latest.isPresent() ? null : spark.sql("DESCRIBE HISTORY " + table + " LIMIT 1").first();
    long version = latest.isPresent() ? latest.getAsLong() : last.<Long>getAs("version");
    Timestamp committed = last == null ? null : last.getAs("timestamp");
    return new Source(
        table,
        version,
        committed,
        spark.sql("SELECT * FROM " + table + " VERSION AS OF " + version));
  }

  /**
   * On a first refresh the baseline is profiled for sure: its part of the scan is planned (reading
   * the older version's snapshot) on {@code background} while this thread reads the table's history
   * and plans the input's part; unless it is an older version of this table, which the input's scan
   * may read with it. Null when there is no such plan.
   */
  private Future<JavaRDD<byte[]>> planBaseline(
      ExecutorService background, ProfileScan scan, String table, OptionalLong sharedVersion) {
    if (spec.baseline().isEmpty() || sharedVersion.isPresent()) {
      return null;
    }
    return background.submit(() -> scan.baseline(baseline(table, null), spark.table(table)));
  }

  /**
   * The scan step: the changed windows of {@code source} (every window on a first refresh) and,
   * when it changed, the baseline, profiled in one Spark job.
   */
  private Map<WindowKey, WindowProfile> scan(
      ProfileScan scan,
      Source source,
      Changes changes,
      Future<JavaRDD<byte[]>> plannedBaseline,
      OptionalLong sharedVersion) {
    if (!changes.inputChanged() && !changes.baselineChanged()) {
      return Map.of();
    }
    Supplier<JavaRDD<byte[]>> baseline =
        !changes.baselineChanged()
            ? null
            : plannedBaseline != null
                ? () -> await(plannedBaseline)
                : () -> scan.baseline(baseline(source.table(), source.data()), source.data());
    return scan.run(
        changes.inputChanged() ? source.data() : source.data().limit(0),
        baseline,
        sharedVersion,
        changes.firstRefresh() ? null : changes.changed(),
        source.committed());
  }

  /**
   * The profile rows of the windows just profiled, and their column profiles by key.
   *
   * @param rows rows of the profile metrics table
   * @param columns per window key, its column profiles by column
   */
  private record Profiled(List<Row> rows, Map<WindowKey, Map<String, ColumnProfile>> columns) {

    static Profiled of(Map<WindowKey, WindowProfile> fresh, Changes changes, long version) {
      List<Row> rows = new ArrayList<>();
      Map<WindowKey, Map<String, ColumnProfile>> profiles = new LinkedHashMap<>();
      for (WindowProfile p : fresh.values()) {
        WindowKey key = p.key();
        String fingerprint =
            !key.wholeTable()
                ? null
                : WindowKey.BASELINE.equals(key.logType())
                    ? changes.baselineId()
                    : changes.current().get(key.windowId());
        rows.add(MetricRows.tableRow(key, version, p.rows(), p.quality(), fingerprint));
        Map<String, ColumnProfile> columns = new LinkedHashMap<>();
        for (ColumnProfile c : p.columns()) {
          rows.add(MetricRows.columnRow(key, version, c));
          columns.put(c.column(), c);
        }
        profiles.put(key, columns);
      }
      return new Profiled(rows, profiles);
    }
  }

  /** The result of background work, its failure rethrown as it was. */
  static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for the monitor refresh's background work", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * The baseline's identity: its table and version, recorded to know when it changed. A baseline of
   * the monitored table itself without a version is the version just read, not another history
   * read.
   */
  private String baselineId(String monitored, long monitoredVersion) {
    if (spec.baseline().isEmpty()) {
      return null;
    }
    MonitorSpec.Baseline b = spec.baseline().get();
    String table = MetricTables.qualify(environment, b.table().orElse(spec.table()));
    long version =
        b.version()
            .orElseGet(
                () ->
                    table.equals(monitored)
                        ? monitoredVersion
                        : spark
                            .sql("DESCRIBE HISTORY " + table + " LIMIT 1")
                            .first()
                            .<Long>getAs("version"));
    return table + "@" + version;
  }

  /**
   * The latest version of the Delta table {@code table}, as reading it resolves it (the snapshot
   * Delta keeps of it: no history read), or empty when it is read some other way.
   */
  private OptionalLong latestVersion(String table) {
    LogicalPlan plan = spark.table(table).queryExecution().analyzed();
    for (LogicalPlan leaf : CollectionConverters.asJava(plan.collectLeaves())) {
      if (leaf instanceof LogicalRelation relation
          && relation.relation() instanceof HadoopFsRelation files
          && files.location() instanceof TahoeFileIndex index) {
        return OptionalLong.of(index.version());
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The baseline's version when it is an older version of the monitored table {@code monitored}.
   */
  private OptionalLong sharedBaselineVersion(String monitored) {
    return spec.baseline()
        .filter(
            b ->
                b.version().isPresent()
                    && MetricTables.qualify(environment, b.table().orElse(spec.table()))
                        .equals(monitored))
        .map(b -> OptionalLong.of(b.version().get()))
        .orElse(OptionalLong.empty());
  }

  /**
   * The baseline's rows: its version of its table, or the latest; the monitored table {@code
   * monitored} itself without a version is the version just read ({@code data}; null = the latest
   * too).
   */
  private Dataset<Row> baseline(String monitored, Dataset<Row> data) {
    MonitorSpec.Baseline b = spec.baseline().orElseThrow();
    String table = MetricTables.qualify(environment, b.table().orElse(spec.table()));
    if (b.version().isPresent()) {
      return spark.sql("SELECT * FROM " + table + " VERSION AS OF " + b.version().get());
    }
    return table.equals(monitored) && data != null ? data : spark.table(table);
  }
}
