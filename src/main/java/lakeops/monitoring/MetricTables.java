package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import lakeops.catalog.DeltaConflicts;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The metric tables of one monitor in one environment: {@code
 * <env>.monitoring.<monitor>_profile_metrics} and {@code <env>.monitoring.<monitor>_drift_metrics},
 * Delta tables created on first use.
 */
final class MetricTables {

  private static final String WINDOW_ID =
      "concat_ws('@', granularity, CAST(unix_seconds(window.start) AS STRING))";

  private final SparkSession spark;
  private final String environment;
  private final String monitor;

  private MetricTables(SparkSession spark, String environment, String monitor) {
    this.spark = spark;
    this.environment = environment;
    this.monitor = monitor;
  }

  /** The tables of {@code monitor} in {@code environment}. */
  public static MetricTables of(SparkSession spark, String environment, String monitor) {
    return new MetricTables(spark, environment, monitor);
  }

  /** {@code table} with {@code environment} as catalog when it names only schema and table. */
  public static String qualify(String environment, String table) {
    return table.chars().filter(c -> c == '.').count() == 1 ? environment + "." + table : table;
  }

  /** The profile metrics table. */
  public String profile() {
    return environment
        + "."
        + MonitorProperties.SCHEMA
        + "."
        + monitor
        + MonitorProperties.PROFILE_SUFFIX;
  }

  /** The drift metrics table. */
  public String drift() {
    return environment
        + "."
        + MonitorProperties.SCHEMA
        + "."
        + monitor
        + MonitorProperties.DRIFT_SUFFIX;
  }

  /** The alerts table of the environment. */
  public String alerts() {
    return environment + "." + MonitorProperties.SCHEMA + "." + MonitorProperties.ALERTS_TABLE;
  }

  /** Whether neither table exists yet (a monitor's first refresh). */
  boolean missing() {
    return !spark.catalog().tableExists(profile()) && !spark.catalog().tableExists(drift());
  }

  /** Creates the schema and both tables if missing; true if the profile table was created now. */
  boolean create() {
    spark.sql("CREATE SCHEMA IF NOT EXISTS " + environment + "." + MonitorProperties.SCHEMA);
    boolean created = createIfMissing(profile(), MetricRows.PROFILE);
    createIfMissing(drift(), MetricRows.DRIFT);
    return created;
  }

  private boolean createIfMissing(String table, StructType schema) {
    if (spark.catalog().tableExists(table)) {
      return false;
    }
    // DDL only: a Delta commit and no Spark job, so it can run alongside a refresh's scan.
    spark.sql("CREATE TABLE IF NOT EXISTS " + table + " (" + schema.toDDL() + ") USING delta");
    return true;
  }

  /** {@code <granularity>@<window start epoch seconds>} of a metric-table row. */
  static Column windowIdColumn() {
    return concat_ws("@", col("granularity"), expr("unix_seconds(window.start)").cast("string"));
  }

  /**
   * Replaces the metrics of the recomputed windows: the rows of {@code changed} and {@code removed}
   * windows (and the baseline's, and all baseline drift, when it changed) and the consecutive drift
   * of {@code consecutive} windows give way to the new rows; {@code empty} says the tables hold no
   * window yet, so the rows are only appended. Each table is replaced in one Delta transaction (an
   * overwrite with {@code replaceWhere}), so a refresh killed half-way leaves every window either
   * as it was or recomputed, never missing; the drift table is written before the profile table,
   * whose fingerprints say which windows are up to date, so a refresh killed between the two redoes
   * them. A write that loses a race with another refresh is retried ({@link DeltaConflicts}).
   */
  void replace(
      List<Row> profileRows,
      List<Row> driftRows,
      Set<String> changed,
      Set<String> removed,
      Set<String> consecutive,
      boolean baselineChanged,
      boolean empty) {
    String windows = inList(union(changed, removed));
    write(
        driftRows,
        MetricRows.DRIFT,
        drift(),
        empty
            ? null
            : WINDOW_ID
                + " IN ("
                + windows
                + ") OR (drift_type = 'CONSECUTIVE' AND "
                + WINDOW_ID
                + " IN ("
                + inList(consecutive)
                + "))"
                + (baselineChanged ? " OR drift_type = 'BASELINE'" : ""));
    write(
        profileRows,
        MetricRows.PROFILE,
        profile(),
        empty
            ? null
            : WINDOW_ID
                + " IN ("
                + windows
                + ")"
                + (baselineChanged ? " OR log_type = 'BASELINE'" : ""));
  }

  /** Appends {@code rows} to {@code table}, replacing the rows matching {@code replaced} if any. */
  private void write(List<Row> rows, StructType schema, String table, String replaced) {
    if (rows.isEmpty() && replaced == null) {
      return;
    }
    DeltaConflicts.retry(
        "Metric write to " + table,
        () -> {
          // One file per refresh: metric tables get many small appends.
          DataFrameWriter<Row> writer =
              spark.createDataFrame(rows, schema).coalesce(1).write().format("delta");
          if (replaced == null) {
            writer.mode("append").saveAsTable(table);
          } else {
            writer
                .mode("overwrite")
                .option("replaceWhere", "coalesce(" + replaced + ", false)")
                .save(location(table));
          }
        });
  }

  /** The storage location of Delta table {@code table}. */
  private String location(String table) {
    return spark.sql("DESCRIBE DETAIL " + table).select("location").first().getString(0);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static String inList(Set<String> ids) {
    if (ids.isEmpty()) {
      return "NULL";
    }
    return ids.stream()
        .map(id -> "'" + id.replace("'", "''") + "'")
        .collect(Collectors.joining(", "));
  }
}
