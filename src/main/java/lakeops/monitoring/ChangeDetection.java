package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import lakeops.monitoring.MetricRows.ProfileColumn;
import lakeops.monitoring.MonitorRefresh.Source;
import lakeops.monitoring.MonitorSpec.Granularity;
import lakeops.monitoring.ProfileScan.WindowProfile;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The change-detection step of a refresh: which windows of the monitored table changed since the
 * stored windows were profiled. A first refresh finds every window new, and the profile scan gives
 * their fingerprints; a snapshot is new with each table version. Later refreshes of a time series
 * ask the change data feed which windows changed, when the table has one, the monitor's columns and
 * settings are those the stored windows were profiled with, and the feed still covers every version
 * since: only those windows are read. Otherwise a fingerprint pass over the table compares them
 * all.
 */
final class ChangeDetection {

  // Part of every layout id: fingerprints of another format name other windows, so all are redone.
  private static final String FINGERPRINT_FORMAT = "column-hashes";
  private static final Logger LOG = LogManager.getLogger(ChangeDetection.class);

  /**
   * What the metric tables hold of earlier refreshes: per window id its fingerprint and the table
   * version it was profiled at, and the baseline's identity (null = none recorded).
   */
  record Stored(Map<String, String> fingerprints, Map<String, Long> versions, String baseline) {

    /** Nothing recorded: metric tables about to be created. */
    static final Stored NONE = new Stored(Map.of(), Map.of(), null);

    /** Whether no window and no baseline is recorded, so there is nothing to delete. */
    boolean empty() {
      return fingerprints.isEmpty() && baseline == null;
    }
  }

  /**
   * The windows a refresh profiles again.
   *
   * @param how how they were found, as {@link RefreshResult#changes()} reports it
   * @param firstRefresh no window recorded yet (time series): every window is new
   * @param fromFeed found from the change data feed
   * @param layout the layout id every fingerprint starts with
   * @param baselineId the baseline's identity ({@code table@version}), null without a baseline
   * @param baselineChanged whether the baseline differs from the one recorded
   * @param current per window id of the data just read, its fingerprint
   * @param changed windows to profile again
   * @param removed windows recorded whose data is gone
   */
  record Changes(
      String how,
      boolean firstRefresh,
      boolean fromFeed,
      String layout,
      String baselineId,
      boolean baselineChanged,
      Map<String, String> current,
      SortedSet<String> changed,
      SortedSet<String> removed) {

    /** Whether the metric tables are up to date already. */
    boolean none() {
      return !firstRefresh && changed.isEmpty() && removed.isEmpty() && !baselineChanged;
    }

    /** Whether any input window is to be profiled. */
    boolean inputChanged() {
      return firstRefresh || !changed.isEmpty();
    }

    /**
     * These changes once the scan has run: on a first refresh, and from the change data feed, the
     * windows and fingerprints are those the scan found. A window the feed named but the scan found
     * empty lost all its rows.
     */
    Changes scanned(Map<WindowKey, WindowProfile> fresh, Stored stored) {
      if (!firstRefresh && !fromFeed) {
        return this;
      }
      Map<String, String> scanned = new HashMap<>();
      for (WindowProfile p : fresh.values()) {
        if (WindowKey.INPUT.equals(p.key().logType()) && p.key().wholeTable()) {
          scanned.put(p.key().windowId(), layout + "/" + p.fingerprint());
        }
      }
      Map<String, String> nowCurrent = new LinkedHashMap<>(current);
      SortedSet<String> nowChanged = new TreeSet<>(changed);
      SortedSet<String> nowRemoved = new TreeSet<>(removed);
      if (firstRefresh) {
        nowChanged.addAll(scanned.keySet());
      }
      for (String id : List.copyOf(nowChanged)) {
        if (scanned.containsKey(id)) {
          nowCurrent.put(id, scanned.get(id));
        } else {
          nowChanged.remove(id);
          nowCurrent.remove(id);
          if (stored.fingerprints().containsKey(id)) {
            nowRemoved.add(id);
          }
        }
      }
      return new Changes(
          how,
          firstRefresh,
          fromFeed,
          layout,
          baselineId,
          baselineChanged,
          nowCurrent,
          nowChanged,
          nowRemoved);
    }
  }

  private final SparkSession spark;
  private final MonitorSpec spec;
  private final MonitorSettings settings;

  ChangeDetection(SparkSession spark, MonitorSpec spec, MonitorSettings settings) {
    this.spark = spark;
    this.spec = spec;
    this.settings = settings;
  }

  /** The fingerprints of the windows and of the baseline recorded in {@code tables}. */
  Stored stored(MetricTables tables) {
    Map<String, String> fingerprints = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    String baseline = null;
    String fingerprint = ProfileColumn.FINGERPRINT.column();
    String version = ProfileColumn.COMMIT_VERSION.column();
    for (Row r :
        spark
            .table(tables.profile())
            .where("column_name = ':table' AND fingerprint IS NOT NULL")
            .select(
                col(ProfileColumn.LOG_TYPE.column()),
                col(ProfileColumn.GRANULARITY.column()),
                col(ProfileColumn.WINDOW.column() + ".start").as("start"),
                col(fingerprint),
                col(version))
            .collectAsList()) {
      if (WindowKey.BASELINE.equals(r.getAs(ProfileColumn.LOG_TYPE.column()))) {
        baseline = r.getAs(fingerprint);
      } else {
        String id = WindowKey.id(r.getAs(ProfileColumn.GRANULARITY.column()), r.getAs("start"));
        fingerprints.put(id, r.getAs(fingerprint));
        versions.put(id, r.getAs(version));
      }
    }
    return new Stored(fingerprints, versions, baseline);
  }

  /**
   * The windows of {@code source} that differ from {@code stored}, {@code scan} giving the
   * monitored columns and fingerprint terms; {@code baselineId} is the baseline's identity now.
   */
  Changes detect(Source source, ProfileScan scan, Stored stored, String baselineId) {
    boolean snapshot = spec.profileType() == ProfileType.SNAPSHOT;
    String layout = layoutId(scan.monitoredColumns(source.data()));
    boolean firstRefresh = stored.fingerprints().isEmpty() && !snapshot;
    Set<String> fromFeed =
        firstRefresh || snapshot || !sameLayout(stored.fingerprints().values(), layout)
            ? null
            : windowsChangedSince(source.table(), lastVersion(stored), source.version());
    String how =
        firstRefresh
            ? "first refresh"
            : snapshot ? "table version" : fromFeed != null ? "change data feed" : "fingerprints";
    Map<String, String> current =
        firstRefresh
            ? new LinkedHashMap<>()
            : fromFeed != null
                ? new LinkedHashMap<>(stored.fingerprints())
                : fingerprints(source, scan, stored.versions(), layout);
    SortedSet<String> changed = new TreeSet<>();
    if (fromFeed != null) {
      changed.addAll(fromFeed);
    } else {
      current.forEach(
          (id, fp) -> {
            if (!fp.equals(stored.fingerprints().get(id))) {
              changed.add(id);
            }
          });
    }
    SortedSet<String> removed = new TreeSet<>(stored.fingerprints().keySet());
    removed.removeAll(current.keySet());
    boolean baselineChanged = baselineId != null && !baselineId.equals(stored.baseline());
    return new Changes(
        how,
        firstRefresh,
        fromFeed != null,
        layout,
        baselineId,
        baselineChanged,
        current,
        changed,
        removed);
  }

  private static long lastVersion(Stored stored) {
    return stored.versions().values().stream().max(Long::compare).orElse(-1L);
  }

  /**
   * Per window of the current data, {@code rows:high:low}: a row count and the sums of the rows'
   * {@linkplain ProfileScan#fingerprintTerms fingerprint terms}, as the profile scan sums them.
   * Snapshots have one window per table version, new when the version is.
   */
  private Map<String, String> fingerprints(
      Source source, ProfileScan scan, Map<String, Long> storedVersions, String layout) {
    Map<String, String> result = new LinkedHashMap<>();
    if (spec.profileType() == ProfileType.SNAPSHOT) {
      storedVersions.forEach((id, v) -> result.put(id, "version:" + v));
      result.put(WindowKey.id("snapshot", source.committed()), "version:" + source.version());
      return result;
    }
    String ts = spec.timestampColumn().orElseThrow();
    Column[] terms = scan.fingerprintTerms(source.data());
    List<Row> rows =
        source
            .data()
            .where(col("`" + ts + "`").isNotNull())
            .select(explode(windowStarts(ts)).as("w"), terms[0].as("high"), terms[1].as("low"))
            .groupBy(col("w.granularity").as("granularity"), col("w.start").as("start"))
            .agg(count(lit(1)).as("rows"), sum(col("high")).as("high"), sum(col("low")).as("low"))
            .collectAsList();
    for (Row r : rows) {
      result.put(
          r.getAs("granularity") + "@" + r.<Long>getAs("start"),
          layout
              + "/"
              + WindowAccumulator.fingerprint(
                  r.<Long>getAs("rows"), r.<Long>getAs("high"), r.<Long>getAs("low")));
    }
    return result;
  }

  /**
   * What a window's profile depends on besides its rows: the monitored columns and the monitor's
   * settings. It prefixes every stored fingerprint, so a changed monitor recomputes every window.
   */
  private String layoutId(List<String> columns) {
    String layout =
        FINGERPRINT_FORMAT
            + "|"
            + String.join("\u0001", columns)
            + "|"
            + spec.granularities()
            + "|"
            + spec.slicingExpressions()
            + "|"
            + spec.inferenceLog()
            + "|"
            + settings.sketchSize()
            + "|"
            + settings.sketchAccuracy()
            + "|"
            + settings.categoryLimit();
    return Integer.toHexString(layout.hashCode());
  }

  private static boolean sameLayout(Collection<String> fingerprints, String layout) {
    return !fingerprints.isEmpty()
        && fingerprints.stream().allMatch(fp -> fp.startsWith(layout + "/"));
  }

  /**
   * The windows (ids) holding a row that changed in versions ({@code since}, {@code version}] of
   * {@code table}, from its change data feed: inserted, deleted and both images of updated rows.
   * Null when the feed cannot tell: not enabled for all those versions, or no longer retained.
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
      Dataset<Row> changes =
          spark
              .read()
              .format("delta")
              .option("readChangeFeed", "true")
              .option("startingVersion", since + 1)
              .option("endingVersion", version)
              .table(table);
      Set<String> ids = new TreeSet<>();
      for (Row r :
          changes
              .where(col("`" + ts + "`").isNotNull())
              .select(explode(windowStarts(ts)).as("w"))
              .distinct()
              .collectAsList()) {
        Row w = r.getAs("w");
        ids.add(w.getAs("granularity") + "@" + w.<Long>getAs("start"));
      }
      return ids;
    } catch (Exception e) { // AnalysisException is checked for Java, though thrown from Scala
      LOG.info(
          "Monitor {}: no change data feed of {} for versions {}..{} ({}); comparing fingerprints",
          spec.name(),
          table,
          since + 1,
          version,
          e.getMessage() == null ? e : e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
  }

  /** Per row, the (granularity, window start in epoch seconds) of each granularity. */
  private Column windowStarts(String ts) {
    List<Column> windows = new ArrayList<>();
    for (Granularity g : spec.granularities()) {
      long s = g.duration().toSeconds();
      windows.add(
          struct(
              lit(g.text()).as("granularity"),
              expr(String.format(
                      "floor(unix_seconds(CAST(`%s` AS TIMESTAMP)) / %d) * %d", ts, s, s))
                  .as("start")));
    }
    return array(windows.toArray(new Column[0]));
  }
}
