package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import lakeops.monitoring.MonitorData.Drift;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The profile scan's counts and moments equal Spark's own aggregates over the same rows (whole window
 * and a slice, with nulls, NaN and zeros), and snapshot monitors profile each table version once.
 */
class ProfileScanTest extends SharedSpark {

  @Test
  void profileEqualsSparkAggregates() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.moments");
    MonitorData.flights(spark(), 21, 300, new int[] {0, 1}, new Drift[] {Drift.NONE, Drift.NULL_SURGE})
        .selectExpr("*", "CASE WHEN distance_miles IS NULL THEN NULL WHEN delay_minutes < 0 THEN double('NaN') WHEN delay_minutes < 5 THEN 0.0 "
            + "ELSE delay_minutes / 7 END AS ratio")
        .write().format("delta").saveAsTable("dev.scratch.moments");
    MonitorData.writeMonitor(home().confDir(), "moments", """
        name: moments
        table: scratch.moments
        profile_type: time_series
        timestamp_col: flight_time
        granularities: ["1 day"]
        slicing_exprs: ["origin"]
        """);
    MonitorRefresh.of(spark(), "dev", MonitorSpecs.load(home(), "moments")).execute();

    for (String column : List.of("ratio", "distance_miles", "delay_minutes")) {
      for (String slice : new String[] {null, "SEA"}) {
        String where = slice == null ? "" : " AND origin = '" + slice + "'";
        Row expected = sql("SELECT count(%1$s), count(*) - count(%1$s), "
            + "count(CASE WHEN %1$s = 0 THEN 1 END), count(CASE WHEN isnan(%1$s) THEN 1 END), "
            + "avg(CASE WHEN NOT isnan(%1$s) THEN %1$s END), stddev_samp(CASE WHEN NOT isnan(%1$s) THEN %1$s END), "
            + "min(CASE WHEN NOT isnan(%1$s) THEN %1$s END), max(CASE WHEN NOT isnan(%1$s) THEN %1$s END), "
            + "count(DISTINCT %1$s) FROM dev.scratch.moments WHERE flight_time < timestamp_millis(%2$d) + INTERVAL 1 DAY"
            + " AND flight_time >= timestamp_millis(%2$d)" + where, column, MonitorData.DAY0 + 86_400_000L).first();
        Row actual = sql("SELECT count, num_nulls, num_zeros, num_nan, avg, stddev, min, max, distinct_count "
            + "FROM dev.monitoring.moments_profile_metrics WHERE column_name = '%s' AND log_type = 'INPUT' "
            + "AND window.start = timestamp_millis(%d) AND " + (slice == null ? "slice_key IS NULL"
            : "slice_key = 'origin' AND slice_value = '" + slice + "'"), column, MonitorData.DAY0 + 86_400_000L).first();
        String what = column + (slice == null ? "" : " in slice " + slice);
        for (int i = 0; i < 4; i++) {
          assertThat(actual.getLong(i)).as(what + " #" + i).isEqualTo(expected.getLong(i));
        }
        for (int i = 4; i < 8; i++) {
          assertThat(actual.getDouble(i)).as(what + " #" + i).isCloseTo(expected.getDouble(i), within(1e-9));
        }
        // Spark's count(DISTINCT) counts NaN as one value, as the profile does.
        assertThat(actual.getLong(8)).as(what + " distinct").isEqualTo(expected.getLong(8));
        if (column.equals("ratio") && slice == null) {
          assertThat(expected.getLong(2)).as("the data has zeros").isPositive();
          assertThat(expected.getLong(3)).as("the data has NaN").isPositive();
          assertThat(expected.getLong(1)).as("the data has nulls").isPositive();
        }
      }
    }
    Row strings = sql("SELECT count(origin), count(DISTINCT origin), min(length(origin)), max(length(origin)), "
        + "avg(length(origin)) FROM dev.scratch.moments WHERE flight_time >= timestamp_millis(%d) "
        + "AND flight_time < timestamp_millis(%d)", MonitorData.DAY0, MonitorData.DAY0 + 86_400_000L).first();
    Row profiled = sql("SELECT count, distinct_count, min_length, max_length, avg_length "
        + "FROM dev.monitoring.moments_profile_metrics WHERE column_name = 'origin' AND log_type = 'INPUT' "
        + "AND slice_key IS NULL AND window.start = timestamp_millis(%d)", MonitorData.DAY0).first();
    assertThat(profiled.getLong(0)).isEqualTo(strings.getLong(0));
    assertThat(profiled.getLong(1)).isEqualTo(strings.getLong(1));
    assertThat(profiled.getInt(2)).isEqualTo(strings.getInt(2));
    assertThat(profiled.getInt(3)).isEqualTo(strings.getInt(3));
    assertThat(profiled.getDouble(4)).isCloseTo(strings.getDouble(4), within(1e-9));
  }

  @Test
  void snapshotMonitorProfilesEachTableVersionOnce() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.snap");
    MonitorData.flights(spark(), 31, 120, new int[] {0}, new Drift[] {Drift.NONE})
        .write().format("delta").saveAsTable("dev.scratch.snap");
    MonitorData.writeMonitor(home().confDir(), "snap", """
        name: snap
        table: scratch.snap
        profile_type: snapshot
        baseline: {version: 0}
        """);
    MonitorSpec spec = MonitorSpecs.load(home(), "snap");
    assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows()).hasSize(1);
    assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows()).isEmpty();

    MonitorData.flights(spark(), 32, 80, new int[] {0}, new Drift[] {Drift.MEAN_SHIFT})
        .write().format("delta").mode("append").saveAsTable("dev.scratch.snap");
    RefreshResult second = MonitorRefresh.of(spark(), "dev", spec).execute();
    assertThat(second.recomputedWindows()).hasSize(1);
    List<Row> windows = sql("SELECT count, logging_table_commit_version FROM dev.monitoring.snap_profile_metrics "
        + "WHERE column_name = ':table' AND log_type = 'INPUT' AND slice_key IS NULL ORDER BY 2").collectAsList();
    assertThat(windows.toString()).isEqualTo("[[120,0], [200,1]]");
    Row drift = sql("SELECT ks_test.statistic FROM dev.monitoring.snap_drift_metrics WHERE drift_type = 'CONSECUTIVE' "
        + "AND column_name = 'delay_minutes' AND slice_key IS NULL").first();
    assertThat(drift.getDouble(0)).as("80 of 200 rows shifted").isGreaterThan(0.1);
    assertThat(sql("SELECT count(*) FROM dev.monitoring.snap_profile_metrics WHERE log_type = 'BASELINE' "
        + "AND column_name = ':table' AND count = 120").first().getLong(0)).isEqualTo(1);
  }
}
