package lakeops.monitoring;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import lakeops.monitoring.ChangeDetection.Changes;
import lakeops.monitoring.MetricRows.ProfileColumn;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The drift-planning step of a refresh: which windows to compare, and their drift rows. A changed
 * window drifts against the window before it (consecutive drift) and against the baseline; the
 * window after a changed one drifts against it anew, and every window against a changed baseline.
 * Windows not profiled in this refresh are read back from their stored sketches, only those needed.
 */
final class DriftPlan {

  /**
   * The drift rows of a refresh.
   *
   * @param rows rows of the drift metrics table
   * @param consecutiveRedone windows whose consecutive drift was computed again (their old rows go)
   */
  record Drift(List<Row> rows, Set<String> consecutiveRedone) {}

  private final SparkSession spark;
  private final MonitorSpec spec;
  private final MetricTables tables;
  private final Changes changes;
  private final Set<String> storedIds;
  private final Set<String> windows;

  /**
   * The plan of a refresh of {@code spec} into {@code tables} with {@code changes}, {@code
   * storedIds} being the windows recorded before it.
   */
  DriftPlan(
      SparkSession spark,
      MonitorSpec spec,
      MetricTables tables,
      Changes changes,
      Set<String> storedIds) {
    this.spark = spark;
    this.spec = spec;
    this.tables = tables;
    this.changes = changes;
    this.storedIds = storedIds;
    this.windows = new TreeSet<>(storedIds);
    this.windows.addAll(changes.current().keySet());
  }

  /** The drift rows, {@code profiled} holding the column profiles of the windows just profiled. */
  Drift drift(Map<WindowKey, Map<String, ColumnProfile>> profiled) {
    Set<String> followers = new HashSet<>();
    Set<String> load = neighbours(followers);
    if (changes.baselineChanged()) {
      load.addAll(storedIds);
    }
    load.removeAll(changes.changed());
    load.removeAll(changes.removed());
    Map<WindowKey, Map<String, ColumnProfile>> known =
        new HashMap<>(loadStored(load, !changes.baselineChanged() && changes.baselineId() != null));
    known.putAll(profiled);
    return pair(known, followers);
  }

  /**
   * The windows right before and after each changed window; {@code followers} gets those after one
   * that did not change themselves, whose consecutive drift is against a changed window.
   */
  private Set<String> neighbours(Set<String> followers) {
    Set<String> neighbours = new TreeSet<>();
    for (String id : changes.changed()) {
      String previous = shift(id, -1);
      String next = shift(id, 1);
      if (previous != null) {
        neighbours.add(previous);
      }
      if (next != null && !changes.changed().contains(next)) {
        neighbours.add(next);
        followers.add(next);
      }
    }
    return neighbours;
  }

  /** The drift rows of the changed windows and their followers, from the profiles {@code known}. */
  private Drift pair(Map<WindowKey, Map<String, ColumnProfile>> known, Set<String> followers) {
    List<Row> rows = new ArrayList<>();
    Set<String> consecutiveRedone = new TreeSet<>();
    Map<List<Object>, WindowKey> inputKeys = inputKeys(known);
    for (Map.Entry<WindowKey, Map<String, ColumnProfile>> e : known.entrySet()) {
      WindowKey key = e.getKey();
      if (!WindowKey.INPUT.equals(key.logType())) {
        continue;
      }
      String id = key.windowId();
      boolean isChanged = changes.changed().contains(id);
      if (isChanged || followers.contains(id)) {
        consecutive(rows, key, e.getValue(), known, inputKeys);
        consecutiveRedone.add(id);
      }
      if ((isChanged || changes.baselineChanged()) && changes.baselineId() != null) {
        WindowKey baselineKey = key.baseline();
        if (known.containsKey(baselineKey)) {
          drift(rows, "BASELINE", key, e.getValue(), baselineKey, known.get(baselineKey));
        }
      }
    }
    return new Drift(rows, consecutiveRedone);
  }

  /** The consecutive drift of window {@code key} against the window before it, if known. */
  private void consecutive(
      List<Row> rows,
      WindowKey key,
      Map<String, ColumnProfile> columns,
      Map<WindowKey, Map<String, ColumnProfile>> known,
      Map<List<Object>, WindowKey> inputKeys) {
    String previous = shift(key.windowId(), -1);
    if (previous != null) {
      WindowKey previousKey = inputKeys.get(slotOf(previous, key));
      if (previousKey != null) {
        drift(rows, "CONSECUTIVE", key, columns, previousKey, known.get(previousKey));
      }
    }
  }

  private static void drift(
      List<Row> rows,
      String type,
      WindowKey key,
      Map<String, ColumnProfile> current,
      WindowKey referenceKey,
      Map<String, ColumnProfile> reference) {
    for (ColumnProfile c : current.values()) {
      ColumnProfile r = reference.get(c.column());
      if (r != null && r.kind() == c.kind()) {
        rows.add(MetricRows.driftRow(type, key, referenceKey, c, r));
      }
    }
  }

  /**
   * The input keys of {@code known} by window, slice and model: looking a neighbour up by scanning
   * every key made a refresh of many windows and slices quadratic.
   */
  private static Map<List<Object>, WindowKey> inputKeys(
      Map<WindowKey, Map<String, ColumnProfile>> known) {
    Map<List<Object>, WindowKey> index = new HashMap<>();
    for (WindowKey k : known.keySet()) {
      if (WindowKey.INPUT.equals(k.logType())) {
        index.put(slotOf(k.windowId(), k), k);
      }
    }
    return index;
  }

  /** Window {@code id} with {@code key}'s slice and model. */
  private static List<Object> slotOf(String id, WindowKey key) {
    return Arrays.asList(id, key.sliceKey(), key.sliceValue(), key.modelId());
  }

  /**
   * The window right before ({@code step} −1) or after (+1) {@code id}: the adjacent window of the
   * same granularity for time series (only if it has data), the previous or next snapshot for
   * snapshots.
   */
  private String shift(String id, int step) {
    String granularity = id.substring(0, id.lastIndexOf('@'));
    long start = seconds(id);
    if (spec.profileType() == ProfileType.SNAPSHOT) {
      return windows.stream()
          .filter(other -> other.startsWith(granularity + "@"))
          .filter(other -> step < 0 ? seconds(other) < start : seconds(other) > start)
          .reduce((a, b) -> (step < 0) == (seconds(a) < seconds(b)) ? b : a)
          .orElse(null);
    }
    long length =
        spec.granularities().stream()
            .filter(g -> g.text().equals(granularity))
            .findFirst()
            .map(g -> g.duration().toSeconds())
            .orElseThrow();
    String neighbour = WindowKey.id(granularity, new Timestamp((start + step * length) * 1000));
    return windows.contains(neighbour) ? neighbour : null;
  }

  private static long seconds(String id) {
    return Long.parseLong(id.substring(id.lastIndexOf('@') + 1));
  }

  /** Stored profiles of windows {@code ids} (and of the baseline), by key and column. */
  private Map<WindowKey, Map<String, ColumnProfile>> loadStored(
      Set<String> ids, boolean withBaseline) {
    Map<WindowKey, Map<String, ColumnProfile>> result = new HashMap<>();
    if (ids.isEmpty() && !withBaseline) {
      return result;
    }
    Column wanted = MetricTables.windowIdColumn().isin(ids.toArray());
    if (withBaseline) {
      wanted = wanted.or(col(ProfileColumn.LOG_TYPE.column()).equalTo(WindowKey.BASELINE));
    }
    List<Row> rows = spark.table(tables.profile()).where(wanted).collectAsList();
    Map<WindowKey, Long> windowRows = new HashMap<>();
    for (Row r : rows) {
      if (isTableRow(r)) {
        windowRows.put(MetricRows.keyOf(r), r.getLong(ProfileColumn.COUNT.index()));
      }
    }
    for (Row r : rows) {
      if (!isTableRow(r)) {
        WindowKey key = MetricRows.keyOf(r);
        ColumnProfile c =
            MetricRows.fromRow(
                r, windowRows.getOrDefault(key, r.getLong(ProfileColumn.COUNT.index())));
        result.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(c.column(), c);
      }
    }
    return result;
  }

  private static boolean isTableRow(Row profileRow) {
    return MonitorProperties.TABLE_COLUMN.equals(
        MetricRows.string(profileRow, ProfileColumn.COLUMN_NAME));
  }
}
