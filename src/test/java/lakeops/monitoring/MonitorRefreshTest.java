package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lakeops.monitoring.MonitorData.Drift;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Injected drift found in the right column and window, no false alarm, incremental refresh. */
class MonitorRefreshTest extends SharedSpark {

  private static final String YAML =
      """
      name: %s
      table: scratch.%s
      profile_type: time_series
      timestamp_col: flight_time
      granularities: ["1 day"]
      slicing_exprs: ["origin", "distance_miles > 1000"]
      baseline: {version: 0}
      """;

  private MonitorSpec monitor(String name) throws Exception {
    MonitorData.writeMonitor(home().confDir(), name, YAML.formatted(name, name));
    return MonitorSpecs.load(home(), name);
  }

  private double drift(String monitor, String metric, String column, int day) {
    Row row =
        sql(
                "SELECT %s FROM dev.monitoring.%s_drift_metrics WHERE drift_type = 'BASELINE' "
                    + "AND slice_key IS NULL AND column_name = '%s' AND window.start = timestamp_millis(%d)",
                metric, monitor, column, MonitorData.DAY0 + day * 86_400_000L)
            .first();
    return row.getDouble(0);
  }

  @Test
  void findsInjectedDriftInTheRightColumnAndWindow() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.drift_days");
    MonitorData.flights(spark(), 7, 400, new int[] {0}, new Drift[] {Drift.NONE})
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.drift_days");
    MonitorData.flights(
            spark(),
            8,
            400,
            new int[] {1, 2, 3, 4, 5},
            new Drift[] {
              Drift.NONE, Drift.MEAN_SHIFT, Drift.MIX_CHANGE, Drift.NEW_CATEGORY, Drift.NULL_SURGE
            })
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable("dev.scratch.drift_days");
    MonitorSpec spec = monitor("drift_days");
    RefreshResult result = MonitorRefresh.of(spark(), "dev", spec).execute();
    assertThat(result.recomputedWindows()).hasSize(6);

    // Same distribution (day 1, another seed): no statistic crosses its alert level. JS distances
    // over
    // Sturges bins of 400 rows have a noise floor near 0.1, hence 0.2.
    assertThat(drift("drift_days", "js_distance", "delay_minutes", 1)).isLessThan(0.2);
    assertThat(drift("drift_days", "ks_test.pvalue", "delay_minutes", 1)).isGreaterThan(0.01);
    assertThat(drift("drift_days", "tv_distance", "origin", 1)).isLessThan(0.1);
    assertThat(drift("drift_days", "percent_null_delta", "distance_miles", 1)).isEqualTo(0.0);
    // Mean shift of delay on day 2, and only there.
    assertThat(drift("drift_days", "ks_test.statistic", "delay_minutes", 2)).isGreaterThan(0.4);
    assertThat(drift("drift_days", "avg_delta", "delay_minutes", 2)).isBetween(6.0, 10.0);
    assertThat(drift("drift_days", "wasserstein_distance", "delay_minutes", 2))
        .isBetween(6.0, 10.0);
    assertThat(drift("drift_days", "population_stability_index", "delay_minutes", 2))
        .isGreaterThan(0.25);
    assertThat(drift("drift_days", "js_distance", "delay_minutes", 2)).isGreaterThan(0.35);
    assertThat(drift("drift_days", "tv_distance", "origin", 2)).isLessThan(0.1);
    // Category mix change on day 3, new category on day 4.
    assertThat(drift("drift_days", "tv_distance", "origin", 3)).isGreaterThan(0.3);
    assertThat(drift("drift_days", "chi_squared_test.pvalue", "origin", 3)).isLessThan(1e-6);
    assertThat(drift("drift_days", "js_distance", "delay_minutes", 3)).isLessThan(0.2);
    assertThat(drift("drift_days", "l_infinity_distance", "origin", 4)).isBetween(0.25, 0.35);
    assertThat(drift("drift_days", "js_distance", "origin", 4)).isGreaterThan(0.2);
    // Null surge of distance on day 5.
    assertThat(drift("drift_days", "percent_null_delta", "distance_miles", 5))
        .isBetween(40.0, 60.0);
    assertThat(drift("drift_days", "js_distance", "distance_miles", 5)).isLessThan(0.2);

    List<Row> slices =
        sql("SELECT DISTINCT slice_key, slice_value FROM dev.monitoring.drift_days_profile_metrics "
                + "WHERE log_type = 'INPUT' ORDER BY 1, 2")
            .collectAsList();
    assertThat(slices.toString())
        .contains("[null,null]", "[origin,SEA]", "[distance_miles > 1000,true]");
    Row profile =
        sql(
                "SELECT count, num_nulls, percent_null, median, size(quantiles) "
                    + "FROM dev.monitoring.drift_days_profile_metrics WHERE column_name = 'distance_miles' "
                    + "AND slice_key IS NULL AND window.start = timestamp_millis(%d)",
                MonitorData.DAY0 + 5 * 86_400_000L)
            .first();
    assertThat(profile.getLong(0) + profile.getLong(1)).isEqualTo(400);
    assertThat(profile.getDouble(3)).isBetween(200.0, 1700.0);
  }

  @Test
  void recomputesOnlyTheWindowsWhoseDataChanged() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.incremental");
    MonitorData.flights(
            spark(), 1, 100, new int[] {0, 1, 2}, new Drift[] {Drift.NONE, Drift.NONE, Drift.NONE})
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.incremental");
    MonitorSpec spec = monitor("incremental");
    assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows()).hasSize(3);
    RefreshResult again = MonitorRefresh.of(spark(), "dev", spec).execute();
    assertThat(again.recomputedWindows()).isEmpty();
    assertThat(again.profileRows()).isZero();

    MonitorData.flights(
            spark(), 2, 50, new int[] {1, 4}, new Drift[] {Drift.MEAN_SHIFT, Drift.NONE})
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable("dev.scratch.incremental");
    RefreshResult incremental = MonitorRefresh.of(spark(), "dev", spec).execute();
    long day1 = (MonitorData.DAY0 + 86_400_000L) / 1000;
    long day4 = (MonitorData.DAY0 + 4 * 86_400_000L) / 1000;
    assertThat(incremental.recomputedWindows()).containsExactly("1 day@" + day1, "1 day@" + day4);
    assertThat(incremental.baselineRecomputed()).isFalse();
    assertThat(incremental.changes())
        .as("no change data feed on this table")
        .isEqualTo("fingerprints");
    List<Row> versions =
        sql("SELECT unix_seconds(window.start), count, logging_table_commit_version "
                + "FROM dev.monitoring.incremental_profile_metrics WHERE column_name = ':table' "
                + "AND slice_key IS NULL AND log_type = 'INPUT' ORDER BY 1")
            .collectAsList();
    assertThat(versions.toString())
        .isEqualTo(
            String.format(
                "[[%d,100,0], [%d,150,1], [%d,100,0], [%d,50,1]]",
                day1 - 86400, day1, day1 + 86400, day4));
    // Day 2's consecutive drift was redone against the new day 1; day 4 has no day 3 to compare
    // with.
    List<Row> consecutive =
        sql("SELECT unix_seconds(window.start), unix_seconds(window_cmp.start) "
                + "FROM dev.monitoring.incremental_drift_metrics WHERE drift_type = 'CONSECUTIVE' "
                + "AND slice_key IS NULL AND column_name = 'delay_minutes' ORDER BY 1")
            .collectAsList();
    assertThat(consecutive.toString())
        .isEqualTo(String.format("[[%d,%d], [%d,%d]]", day1, day1 - 86400, day1 + 86400, day1));
  }

  @Test
  void readsOnlyTheChangedWindowsFromTheChangeDataFeed() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.feed");
    MonitorData.flights(
            spark(), 11, 100, new int[] {0, 1, 2}, new Drift[] {Drift.NONE, Drift.NONE, Drift.NONE})
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.feed");
    sql("ALTER TABLE dev.scratch.feed SET TBLPROPERTIES (delta.enableChangeDataFeed = true)");
    MonitorSpec spec = monitor("feed");
    RefreshResult first = MonitorRefresh.of(spark(), "dev", spec).execute();
    assertThat(first.recomputedWindows()).hasSize(3);
    assertThat(first.changes()).isEqualTo("first refresh");
    assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows()).isEmpty();

    long day0 = MonitorData.DAY0 / 1000;
    long day = 86_400;
    MonitorData.flights(
            spark(), 12, 50, new int[] {1, 4}, new Drift[] {Drift.MEAN_SHIFT, Drift.NONE})
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable("dev.scratch.feed");
    RefreshResult appended = MonitorRefresh.of(spark(), "dev", spec).execute();
    assertThat(appended.changes()).isEqualTo("change data feed");
    assertThat(appended.recomputedWindows())
        .containsExactly("1 day@" + (day0 + day), "1 day@" + (day0 + 4 * day));

    sql(
        "DELETE FROM dev.scratch.feed WHERE flight_time >= timestamp_seconds(%d) AND flight_time < timestamp_seconds(%d)",
        day0 + 2 * day, day0 + 3 * day);
    sql(
        "UPDATE dev.scratch.feed SET delay_minutes = delay_minutes + 30 WHERE flight_time < timestamp_seconds(%d)",
        day0 + day);
    RefreshResult changed = MonitorRefresh.of(spark(), "dev", spec).execute();
    assertThat(changed.changes()).isEqualTo("change data feed");
    assertThat(changed.recomputedWindows()).containsExactly("1 day@" + day0);
    assertThat(changed.removedWindows()).containsExactly("1 day@" + (day0 + 2 * day));

    // The stored metrics are those a full recomputation gives.
    List<Row> windows =
        sql(
                "SELECT unix_seconds(window.start) - %d, count FROM dev.monitoring.feed_profile_metrics "
                    + "WHERE column_name = ':table' AND slice_key IS NULL AND log_type = 'INPUT' ORDER BY 1",
                day0)
            .collectAsList();
    assertThat(windows.toString()).isEqualTo("[[0,100], [86400,150], [345600,50]]");
    double avg =
        sql(
                "SELECT avg FROM dev.monitoring.feed_profile_metrics WHERE column_name = 'delay_minutes' "
                    + "AND slice_key IS NULL AND log_type = 'INPUT' AND window.start = timestamp_seconds(%d)",
                day0)
            .first()
            .getDouble(0);
    assertThat(avg)
        .isCloseTo(
            sql(
                    "SELECT avg(delay_minutes) FROM dev.scratch.feed WHERE flight_time < "
                        + "timestamp_seconds(%d)",
                    day0 + day)
                .first()
                .getDouble(0),
            org.assertj.core.data.Offset.offset(1e-9));
    // Monitor settings changed (a column dropped from the slices): the feed is not enough, all
    // windows redo.
    MonitorData.writeMonitor(
        home().confDir(),
        "feed",
        YAML.formatted("feed", "feed").replace(", \"distance_miles > 1000\"", ""));
    RefreshResult resliced =
        MonitorRefresh.of(spark(), "dev", MonitorSpecs.load(home(), "feed")).execute();
    assertThat(resliced.changes()).isEqualTo("fingerprints");
    assertThat(resliced.recomputedWindows()).hasSize(3);
  }

  @Test
  void handlesEmptyWindowsAndAllNullColumns() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.sparse");
    MonitorData.flights(
            spark(), 3, 60, new int[] {0, 1, 3}, new Drift[] {Drift.NONE, Drift.NONE, Drift.NONE})
        .selectExpr("*", "CAST(NULL AS DOUBLE) AS gate_load", "CAST(NULL AS STRING) AS gate")
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.sparse");
    MonitorData.writeMonitor(
        home().confDir(),
        "sparse",
        YAML.formatted("sparse", "sparse")
            .replace(
                "slicing_exprs: [\"origin\", \"distance_miles > 1000\"]",
                "slicing_exprs: [\"origin = 'NONE'\"]"));
    RefreshResult result =
        MonitorRefresh.of(spark(), "dev", MonitorSpecs.load(home(), "sparse")).execute();
    assertThat(result.recomputedWindows()).hasSize(3);
    List<Row> nulls =
        sql(
                "SELECT column_name, count, num_nulls, percent_null, avg, median, size(frequent_items) "
                    + "FROM dev.monitoring.sparse_profile_metrics WHERE column_name IN ('gate_load', 'gate') "
                    + "AND slice_key IS NULL AND log_type = 'INPUT' AND window.start = timestamp_millis(%d) ORDER BY 1",
                MonitorData.DAY0)
            .collectAsList();
    assertThat(nulls.toString())
        .isEqualTo("[[gate,0,60,100.0,null,null,0], [gate_load,0,60,100.0,null,null,null]]");
    List<Row> drift =
        sql(
                "SELECT column_name, js_distance, ks_test, chi_squared_test, percent_null_delta "
                    + "FROM dev.monitoring.sparse_drift_metrics WHERE column_name IN ('gate_load', 'gate') "
                    + "AND drift_type = 'BASELINE' AND slice_key IS NULL AND window.start = timestamp_millis(%d) ORDER BY 1",
                MonitorData.DAY0 + 86_400_000L)
            .collectAsList();
    assertThat(drift.toString())
        .isEqualTo("[[gate,null,null,null,0.0], [gate_load,null,null,null,0.0]]");
    // Day 2 is empty: day 3 has no consecutive drift, day 1 has.
    List<Row> consecutive =
        sql("SELECT DISTINCT unix_seconds(window.start) FROM dev.monitoring.sparse_drift_metrics "
                + "WHERE drift_type = 'CONSECUTIVE' ORDER BY 1")
            .collectAsList();
    assertThat(consecutive.toString()).isEqualTo("[[" + (MonitorData.DAY0 / 1000 + 86400) + "]]");
    assertThat(
            sql("SELECT count(*) FROM dev.monitoring.sparse_profile_metrics WHERE slice_value = 'true'")
                .first()
                .getLong(0))
        .as("a slice no row falls in has no rows")
        .isZero();
  }
}
