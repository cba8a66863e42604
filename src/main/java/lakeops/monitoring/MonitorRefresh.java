package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import lakeops.monitoring.MonitorSpec.Granularity;
import lakeops.monitoring.ProfileScan.WindowProfile;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.delta.files.TahoeFileIndex;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.jdk.javaapi.CollectionConverters;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Refreshes a monitor's metric tables incrementally. A cheap fingerprint pass (row count and a hash sum
 * per window, over the monitored columns) at the table's current Delta version finds the windows whose
 * data changed since they were profiled; only those are profiled again, in one shared Spark job with
 * the baseline when the baseline changed (its table, or version, differs from the one recorded). Drift
 * is computed from the stored sketches of neighbouring windows and of the baseline, so no other window
 * is read again. The Spark jobs carry the job group {@code lakeops-monitor-<name>}.
 */
public final class MonitorRefresh {

  // Part of every layout id: fingerprints of another format name other windows, so all are redone.
  private static final String FINGERPRINT_FORMAT = "column-hashes";

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
    spark.sparkContext().setJobGroup("lakeops-monitor-" + spec.name(),
        "monitor " + spec.name() + ": refresh " + MetricTables.qualify(environment, spec.table()), false);
    try {
      return refresh();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private RefreshResult refresh() {
    ExecutorService background = Executors.newFixedThreadPool(2, runnable -> {
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
   * The refresh; {@code background} runs what does not depend on the input scan's plan alongside it:
   * creating the metric tables and, on a first refresh, planning the baseline's scan (reading an older
   * Delta version's snapshot), then writing the two metric tables.
   */
  private RefreshResult refresh(ExecutorService background) {
    MetricTables tables = MetricTables.of(spark, environment, spec.name());
    String table = MetricTables.qualify(environment, spec.table());
    if (!spark.catalog().tableExists(table)) {
      throw new lakeops.exceptions.InvalidConfigException(String.format(
          "Cannot refresh monitor '%s': its table %s does not exist in environment %s",
          spec.name(), table, environment));
    }
    // No metric tables yet: nothing stored to read back, and they are created alongside the scan.
    boolean created = tables.missing();
    Future<Boolean> creation = background.submit(tables::create);
    if (!created) {
      await(creation); // one of the two may have been missing still
    }
    ProfileScan scan = new ProfileScan(spec, sketchSize(), sketchAccuracy(), categoryLimit());
    // A first refresh profiles the baseline for sure: plan its part of the scan (reading the older
    // version's snapshot) while this thread reads the table's history and plans the input's part;
    // unless it is an older version of this table, which the input's scan may read with it.
    OptionalLong sharedVersion = sharedBaselineVersion(table);
    Future<JavaRDD<byte[]>> plannedBaseline = created && spec.baseline().isPresent() && sharedVersion.isEmpty()
        ? background.submit(() -> scan.baseline(baseline(table, null), spark.table(table))) : null;
    // A snapshot's window is its commit's time, from the history; time series need only the version.
    OptionalLong latest = spec.profileType() == ProfileType.SNAPSHOT ? OptionalLong.empty() : latestVersion(table);
    Row last = latest.isPresent() ? null : spark.sql("DESCRIBE HISTORY " + table + " LIMIT 1").first();
    long version = latest.isPresent() ? latest.getAsLong() : last.getLong(0);
    Timestamp committed = last == null ? null : last.getTimestamp(1);
    Dataset<Row> data = spark.sql("SELECT * FROM " + table + " VERSION AS OF " + version);

    Map<String, String> stored = new HashMap<>();
    Map<String, Long> storedVersions = new HashMap<>();
    String storedBaseline = null;
    // Tables about to be created hold nothing: no need to read them.
    for (Row r : created ? List.<Row>of() : spark.table(tables.profile())
        .where("column_name = ':table' AND fingerprint IS NOT NULL")
        .select(col("log_type"), col("granularity"), col("window.start"), col("fingerprint"),
            col("logging_table_commit_version")).collectAsList()) {
      if (WindowKey.BASELINE.equals(r.getString(0))) {
        storedBaseline = r.getString(3);
      } else {
        String id = WindowKey.id(r.getString(1), r.getTimestamp(2));
        stored.put(id, r.getString(3));
        storedVersions.put(id, r.getLong(4));
      }
    }
    String layout = layoutId(scan.monitoredColumns(data));
    String baselineId = baselineId(table, version);
    boolean baselineChanged = baselineId != null && !baselineId.equals(storedBaseline);
    // First refresh: every window is new, so the fingerprints come out of the profile scan itself.
    boolean firstRefresh = stored.isEmpty() && spec.profileType() != ProfileType.SNAPSHOT;
    // Later ones ask the change data feed which windows changed, when the table has one, the monitor's
    // columns and settings are those the stored windows were profiled with, and the feed still covers
    // every version since: only those windows are read. Otherwise a fingerprint pass compares all.
    Set<String> fromFeed = firstRefresh || spec.profileType() == ProfileType.SNAPSHOT
        || !sameLayout(stored.values(), layout) ? null
        : windowsChangedSince(table, storedVersions.values().stream().max(Long::compare).orElse(-1L), version);
    String changes = firstRefresh ? "first refresh" : spec.profileType() == ProfileType.SNAPSHOT
        ? "table version" : fromFeed != null ? "change data feed" : "fingerprints";
    Map<String, String> current = firstRefresh ? new LinkedHashMap<>()
        : fromFeed != null ? new LinkedHashMap<>(stored)
        : fingerprints(data, scan, committed, version, storedVersions, layout);
    TreeSet<String> changed = new TreeSet<>();
    if (fromFeed != null) {
      changed.addAll(fromFeed);
    } else {
      current.forEach((id, fp) -> {
        if (!fp.equals(stored.get(id))) {
          changed.add(id);
        }
      });
    }
    TreeSet<String> removed = new TreeSet<>(stored.keySet());
    removed.removeAll(current.keySet());
    if (!firstRefresh && changed.isEmpty() && removed.isEmpty() && !baselineChanged) {
      return new RefreshResult(spec.name(), version, List.of(), List.of(), false, 0, 0, changes);
    }

    Map<WindowKey, WindowProfile> fresh = !firstRefresh && changed.isEmpty() && !baselineChanged ? Map.of()
        : scan.run(!firstRefresh && changed.isEmpty() ? data.limit(0) : data, !baselineChanged ? null
            : plannedBaseline != null ? () -> await(plannedBaseline)
            : () -> scan.baseline(baseline(table, data), data), sharedVersion,
            firstRefresh ? null : changed, committed);
    if (firstRefresh || fromFeed != null) {
      Map<String, String> scanned = new HashMap<>();
      for (WindowProfile p : fresh.values()) {
        if (WindowKey.INPUT.equals(p.key().logType()) && p.key().wholeTable()) {
          scanned.put(p.key().windowId(), layout + "/" + p.fingerprint());
        }
      }
      if (firstRefresh) {
        changed.addAll(scanned.keySet());
      }
      // A window the feed named but the scan found empty lost all its rows.
      for (String id : List.copyOf(changed)) {
        if (scanned.containsKey(id)) {
          current.put(id, scanned.get(id));
        } else {
          changed.remove(id);
          current.remove(id);
          if (stored.containsKey(id)) {
            removed.add(id);
          }
        }
      }
    }
    List<Row> profileRows = new ArrayList<>();
    Map<WindowKey, Map<String, ColumnProfile>> profiles = new LinkedHashMap<>();
    for (WindowProfile p : fresh.values()) {
      WindowKey key = p.key();
      String fingerprint = !key.wholeTable() ? null
          : WindowKey.BASELINE.equals(key.logType()) ? baselineId : current.get(key.windowId());
      profileRows.add(MetricRows.tableRow(key, version, p.rows(), p.quality(), fingerprint));
      Map<String, ColumnProfile> columns = new LinkedHashMap<>();
      for (ColumnProfile c : p.columns()) {
        profileRows.add(MetricRows.columnRow(key, version, c));
        columns.put(c.column(), c);
      }
      profiles.put(key, columns);
    }

    Set<String> neighbours = new TreeSet<>();
    Map<String, String> nextOf = new HashMap<>();
    for (String id : changed) {
      String previous = shift(id, -1, stored.keySet(), current.keySet());
      String next = shift(id, 1, stored.keySet(), current.keySet());
      if (previous != null) {
        neighbours.add(previous);
      }
      if (next != null && !changed.contains(next)) {
        neighbours.add(next);
        nextOf.put(next, id);
      }
    }
    Set<String> load = new HashSet<>(neighbours);
    if (baselineChanged) {
      load.addAll(stored.keySet());
    }
    load.removeAll(changed);
    load.removeAll(removed);
    Map<WindowKey, Map<String, ColumnProfile>> known = new HashMap<>(loadStored(tables, load,
        !baselineChanged && baselineId != null));
    known.putAll(profiles);

    List<Row> driftRows = new ArrayList<>();
    Set<String> consecutiveRedone = new TreeSet<>();
    for (Map.Entry<WindowKey, Map<String, ColumnProfile>> e : known.entrySet()) {
      WindowKey key = e.getKey();
      if (!WindowKey.INPUT.equals(key.logType())) {
        continue;
      }
      String id = key.windowId();
      boolean isChanged = changed.contains(id);
      if (isChanged || nextOf.containsKey(id)) {
        String previous = shift(id, -1, stored.keySet(), current.keySet());
        if (previous != null) {
          WindowKey previousKey = keyAt(key, previous, known);
          if (previousKey != null) {
            drift(driftRows, "CONSECUTIVE", key, e.getValue(), previousKey, known.get(previousKey));
          }
        }
        consecutiveRedone.add(id);
      }
      if ((isChanged || baselineChanged) && baselineId != null) {
        WindowKey baselineKey = key.baseline();
        if (known.containsKey(baselineKey)) {
          drift(driftRows, "BASELINE", key, e.getValue(), baselineKey, known.get(baselineKey));
        }
      }
    }
    // Nothing recorded yet (first refresh): there is nothing to delete, so skip the two Delta DELETEs.
    boolean empty = stored.isEmpty() && storedBaseline == null;
    await(creation);
    tables.replace(profileRows, driftRows, changed, removed, consecutiveRedone, baselineChanged, empty,
        background);
    return new RefreshResult(spec.name(), version, List.copyOf(changed), List.copyOf(removed),
        baselineChanged, profileRows.size(), driftRows.size(), changes);
  }

  /** The result of background work, its failure rethrown as it was. */
  static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the monitor refresh's background work", e);
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

  private static void drift(List<Row> rows, String type, WindowKey key, Map<String, ColumnProfile> current,
      WindowKey referenceKey, Map<String, ColumnProfile> reference) {
    for (ColumnProfile c : current.values()) {
      ColumnProfile r = reference.get(c.column());
      if (r != null && r.kind() == c.kind()) {
        rows.add(MetricRows.driftRow(type, key, referenceKey, c, r));
      }
    }
  }

  /** The key of the same slice and model in window {@code id}, if that window has it. */
  private static WindowKey keyAt(WindowKey key, String id, Map<WindowKey, Map<String, ColumnProfile>> known) {
    for (WindowKey k : known.keySet()) {
      if (WindowKey.INPUT.equals(k.logType()) && k.windowId().equals(id)
          && java.util.Objects.equals(k.sliceKey(), key.sliceKey())
          && java.util.Objects.equals(k.sliceValue(), key.sliceValue())
          && java.util.Objects.equals(k.modelId(), key.modelId())) {
        return k;
      }
    }
    return null;
  }

  /**
   * The window right before ({@code step} −1) or after (+1) {@code id}: the adjacent window of the
   * same granularity for time series (only if it has data), the previous or next snapshot for snapshots.
   */
  private String shift(String id, int step, Set<String> stored, Set<String> current) {
    String granularity = id.substring(0, id.lastIndexOf('@'));
    long start = Long.parseLong(id.substring(id.lastIndexOf('@') + 1));
    Set<String> all = new TreeSet<>(stored);
    all.addAll(current);
    if (spec.profileType() == ProfileType.SNAPSHOT) {
      return all.stream().filter(other -> other.startsWith(granularity + "@"))
          .filter(other -> step < 0 ? seconds(other) < start : seconds(other) > start)
          .reduce((a, b) -> (step < 0) == (seconds(a) < seconds(b)) ? b : a).orElse(null);
    }
    long length = spec.granularities().stream().filter(g -> g.text().equals(granularity))
        .findFirst().map(g -> g.duration().toSeconds()).orElseThrow();
    String neighbour = WindowKey.id(granularity, new Timestamp((start + step * length) * 1000));
    return all.contains(neighbour) ? neighbour : null;
  }

  private static long seconds(String id) {
    return Long.parseLong(id.substring(id.lastIndexOf('@') + 1));
  }

  /** Stored profiles of windows {@code ids} (and of the baseline), by key and column. */
  private Map<WindowKey, Map<String, ColumnProfile>> loadStored(MetricTables tables, Set<String> ids,
      boolean withBaseline) {
    Map<WindowKey, Map<String, ColumnProfile>> result = new HashMap<>();
    if (ids.isEmpty() && !withBaseline) {
      return result;
    }
    Column wanted = MetricTables.windowIdColumn().isin(ids.toArray());
    if (withBaseline) {
      wanted = wanted.or(col("log_type").equalTo(WindowKey.BASELINE));
    }
    List<Row> rows = spark.table(tables.profile()).where(wanted).collectAsList();
    Map<WindowKey, Long> windowRows = new HashMap<>();
    for (Row r : rows) {
      if (MonitorProperties.TABLE_COLUMN.equals(r.getString(7))) {
        windowRows.put(MetricRows.keyOf(r), r.getLong(9));
      }
    }
    for (Row r : rows) {
      if (!MonitorProperties.TABLE_COLUMN.equals(r.getString(7))) {
        WindowKey key = MetricRows.keyOf(r);
        ColumnProfile c = MetricRows.fromRow(r, windowRows.getOrDefault(key, r.getLong(9)));
        result.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(c.column(), c);
      }
    }
    return result;
  }

  /**
   * Per window of the current data, {@code rows:high:low}: a row count and the sums of the rows'
   * {@linkplain ProfileScan#fingerprintTerms fingerprint terms}, as the profile scan sums them.
   * Snapshots have one window per table version, new when the version is.
   */
  private Map<String, String> fingerprints(Dataset<Row> data, ProfileScan scan, Timestamp committed,
      long version, Map<String, Long> storedVersions, String layout) {
    Map<String, String> result = new LinkedHashMap<>();
    if (spec.profileType() == ProfileType.SNAPSHOT) {
      storedVersions.forEach((id, v) -> result.put(id, "version:" + v));
      result.put(WindowKey.id("snapshot", committed), "version:" + version);
      return result;
    }
    String ts = spec.timestampColumn().orElseThrow();
    Column[] terms = scan.fingerprintTerms(data);
    List<Row> rows = data.where(col("`" + ts + "`").isNotNull())
        .select(explode(windowStarts(ts)).as("w"), terms[0].as("high"), terms[1].as("low"))
        .groupBy(col("w.granularity"), col("w.start"))
        .agg(count(lit(1)), sum(col("high")), sum(col("low")))
        .collectAsList();
    for (Row r : rows) {
      result.put(r.getString(0) + "@" + r.getLong(1),
          layout + "/" + WindowAccumulator.fingerprint(r.getLong(2), r.getLong(3), r.getLong(4)));
    }
    return result;
  }

  /**
   * What a window's profile depends on besides its rows: the monitored columns and the monitor's
   * settings. It prefixes every stored fingerprint, so a changed monitor recomputes every window.
   */
  private String layoutId(List<String> columns) {
    String settings = FINGERPRINT_FORMAT + "|" + String.join("\u0001", columns) + "|" + spec.granularities() + "|"
        + spec.slicingExpressions() + "|" + spec.inferenceLog() + "|" + sketchSize() + "|"
        + sketchAccuracy() + "|" + categoryLimit();
    return Integer.toHexString(settings.hashCode());
  }

  private static boolean sameLayout(java.util.Collection<String> fingerprints, String layout) {
    return !fingerprints.isEmpty() && fingerprints.stream().allMatch(fp -> fp.startsWith(layout + "/"));
  }

  /**
   * The windows (ids) holding a row that changed in versions ({@code since}, {@code version}] of
   * {@code table}, from its change data feed: inserted, deleted and both images of updated rows. Null
   * when the feed cannot tell: not enabled for all those versions, or no longer retained.
   */
  private Set<String> windowsChangedSince(String table, long since, long version) {
    if (since < 0) {
      return null;
    }
    if (since >= version) {
      return Set.of();
    }
    String ts = spec.timestampColumn().orElseThrow();
    try {
      Dataset<Row> changes = spark.read().format("delta").option("readChangeFeed", "true")
          .option("startingVersion", since + 1).option("endingVersion", version).table(table);
      Set<String> ids = new TreeSet<>();
      for (Row r : changes.where(col("`" + ts + "`").isNotNull())
          .select(explode(windowStarts(ts)).as("w")).distinct().collectAsList()) {
        Row w = r.getStruct(0);
        ids.add(w.getString(0) + "@" + w.getLong(1));
      }
      return ids;
    } catch (Exception e) { // AnalysisException is checked for Java, though thrown from Scala
      org.apache.logging.log4j.LogManager.getLogger(MonitorRefresh.class).info(
          "Monitor {}: no change data feed of {} for versions {}..{} ({}); comparing fingerprints",
          spec.name(), table, since + 1, version, e.getMessage() == null ? e : e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
  }

  /** Per row, the (granularity, window start in epoch seconds) of each granularity. */
  private Column windowStarts(String ts) {
    List<Column> windows = new ArrayList<>();
    for (Granularity g : spec.granularities()) {
      long s = g.duration().toSeconds();
      windows.add(struct(lit(g.text()).as("granularity"),
          expr(String.format("floor(unix_seconds(CAST(`%s` AS TIMESTAMP)) / %d) * %d", ts, s, s)).as("start")));
    }
    return array(windows.toArray(new Column[0]));
  }

  /**
   * The baseline's identity: its table and version, recorded to know when it changed. A baseline of
   * the monitored table itself without a version is the version just read, not another history read.
   */
  private String baselineId(String monitored, long monitoredVersion) {
    if (spec.baseline().isEmpty()) {
      return null;
    }
    MonitorSpec.Baseline b = spec.baseline().get();
    String table = MetricTables.qualify(environment, b.table().orElse(spec.table()));
    long version = b.version().orElseGet(() -> table.equals(monitored) ? monitoredVersion
        : spark.sql("DESCRIBE HISTORY " + table + " LIMIT 1").first().getLong(0));
    return table + "@" + version;
  }

  /**
   * The latest version of the Delta table {@code table}, as reading it resolves it (the snapshot
   * Delta keeps of it: no history read), or empty when it is read some other way.
   */
  private OptionalLong latestVersion(String table) {
    LogicalPlan plan = spark.table(table).queryExecution().analyzed();
    for (LogicalPlan leaf : CollectionConverters.asJava(plan.collectLeaves())) {
      if (leaf instanceof LogicalRelation relation && relation.relation() instanceof HadoopFsRelation files
          && files.location() instanceof TahoeFileIndex index) {
        return OptionalLong.of(index.version());
      }
    }
    return OptionalLong.empty();
  }

  /** The baseline's version when it is an older version of the monitored table {@code monitored}. */
  private OptionalLong sharedBaselineVersion(String monitored) {
    return spec.baseline().filter(b -> b.version().isPresent()
            && MetricTables.qualify(environment, b.table().orElse(spec.table())).equals(monitored))
        .map(b -> OptionalLong.of(b.version().get())).orElse(OptionalLong.empty());
  }

  /**
   * The baseline's rows: its version of its table, or the latest; the monitored table {@code monitored}
   * itself without a version is the version just read ({@code data}; null = the latest too).
   */
  private Dataset<Row> baseline(String monitored, Dataset<Row> data) {
    MonitorSpec.Baseline b = spec.baseline().orElseThrow();
    String table = MetricTables.qualify(environment, b.table().orElse(spec.table()));
    if (b.version().isPresent()) {
      return spark.sql("SELECT * FROM " + table + " VERSION AS OF " + b.version().get());
    }
    return table.equals(monitored) && data != null ? data : spark.table(table);
  }

  private int sketchSize() {
    return Integer.parseInt(spark.conf().get(MonitorProperties.NUMERIC_SKETCH_SIZE,
        Integer.toString(MonitorProperties.NUMERIC_SKETCH_SIZE_DEFAULT)));
  }

  private double sketchAccuracy() {
    return Double.parseDouble(spark.conf().get(MonitorProperties.NUMERIC_SKETCH_ACCURACY,
        Double.toString(MonitorProperties.NUMERIC_SKETCH_ACCURACY_DEFAULT)));
  }

  private int categoryLimit() {
    return Integer.parseInt(spark.conf().get(MonitorProperties.CATEGORY_LIMIT,
        Integer.toString(MonitorProperties.CATEGORY_LIMIT_DEFAULT)));
  }

  static String describe(Set<String> ids) {
    return ids.stream().collect(Collectors.joining(", "));
  }
}
