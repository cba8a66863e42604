package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import lakeops.monitoring.MonitorData.Drift;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The profile scan's counts and moments equal Spark's own aggregates over the same rows (whole
 * window and a slice, with nulls, NaN and zeros); its columnar and row scans give the same metrics
 * and the same fingerprints as the fingerprint pass; snapshot monitors profile each table version
 * once.
 */
class ProfileScanTest extends SharedSpark {

  @Test
  void profileEqualsSparkAggregates() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.moments");
    MonitorData.flights(
            spark(), 21, 300, new int[] {0, 1}, new Drift[] {Drift.NONE, Drift.NULL_SURGE})
        .selectExpr(
            "*",
            "CASE WHEN distance_miles IS NULL THEN NULL WHEN delay_minutes < 0 THEN double('NaN') WHEN delay_minutes < 5 THEN 0.0 "
                + "ELSE delay_minutes / 7 END AS ratio")
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.moments");
    MonitorData.writeMonitor(
        home().confDir(),
        "moments",
        """
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
        Row expected =
            sql(
                    "SELECT count(%1$s), count(*) - count(%1$s), "
                        + "count(CASE WHEN %1$s = 0 THEN 1 END), count(CASE WHEN isnan(%1$s) THEN 1 END), "
                        + "avg(CASE WHEN NOT isnan(%1$s) THEN %1$s END), stddev_samp(CASE WHEN NOT isnan(%1$s) THEN %1$s END), "
                        + "min(CASE WHEN NOT isnan(%1$s) THEN %1$s END), max(CASE WHEN NOT isnan(%1$s) THEN %1$s END), "
                        + "count(DISTINCT %1$s) FROM dev.scratch.moments WHERE flight_time < timestamp_millis(%2$d) + INTERVAL 1 DAY"
                        + " AND flight_time >= timestamp_millis(%2$d)"
                        + where,
                    column,
                    MonitorData.DAY0 + 86_400_000L)
                .first();
        Row actual =
            sql(
                    "SELECT count, num_nulls, num_zeros, num_nan, avg, stddev, min, max, distinct_count "
                        + "FROM dev.monitoring.moments_profile_metrics WHERE column_name = '%s' AND log_type = 'INPUT' "
                        + "AND window.start = timestamp_millis(%d) AND "
                        + (slice == null
                            ? "slice_key IS NULL"
                            : "slice_key = 'origin' AND slice_value = '" + slice + "'"),
                    column,
                    MonitorData.DAY0 + 86_400_000L)
                .first();
        String what = column + (slice == null ? "" : " in slice " + slice);
        for (int i = 0; i < 4; i++) {
          assertThat(actual.getLong(i)).as(what + " #" + i).isEqualTo(expected.getLong(i));
        }
        for (int i = 4; i < 8; i++) {
          assertThat(actual.getDouble(i))
              .as(what + " #" + i)
              .isCloseTo(expected.getDouble(i), within(1e-9));
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
    Row strings =
        sql(
                "SELECT count(origin), count(DISTINCT origin), min(length(origin)), max(length(origin)), "
                    + "avg(length(origin)) FROM dev.scratch.moments WHERE flight_time >= timestamp_millis(%d) "
                    + "AND flight_time < timestamp_millis(%d)",
                MonitorData.DAY0, MonitorData.DAY0 + 86_400_000L)
            .first();
    Row profiled =
        sql(
                "SELECT count, distinct_count, min_length, max_length, avg_length "
                    + "FROM dev.monitoring.moments_profile_metrics WHERE column_name = 'origin' AND log_type = 'INPUT' "
                    + "AND slice_key IS NULL AND window.start = timestamp_millis(%d)",
                MonitorData.DAY0)
            .first();
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
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.snap");
    MonitorData.writeMonitor(
        home().confDir(),
        "snap",
        """
        name: snap
        table: scratch.snap
        profile_type: snapshot
        baseline: {version: 0}
        """);
    MonitorSpec spec = MonitorSpecs.load(home(), "snap");
    assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows()).hasSize(1);
    assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows()).isEmpty();

    MonitorData.flights(spark(), 32, 80, new int[] {0}, new Drift[] {Drift.MEAN_SHIFT})
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable("dev.scratch.snap");
    RefreshResult second = MonitorRefresh.of(spark(), "dev", spec).execute();
    assertThat(second.recomputedWindows()).hasSize(1);
    List<Row> windows =
        sql("SELECT count, logging_table_commit_version FROM dev.monitoring.snap_profile_metrics "
                + "WHERE column_name = ':table' AND log_type = 'INPUT' AND slice_key IS NULL ORDER BY 2")
            .collectAsList();
    assertThat(windows.toString()).isEqualTo("[[120,0], [200,1]]");
    Row drift =
        sql("SELECT ks_test.statistic FROM dev.monitoring.snap_drift_metrics WHERE drift_type = 'CONSECUTIVE' "
                + "AND column_name = 'delay_minutes' AND slice_key IS NULL")
            .first();
    assertThat(drift.getDouble(0)).as("80 of 200 rows shifted").isGreaterThan(0.1);
    assertThat(
            sql("SELECT count(*) FROM dev.monitoring.snap_profile_metrics WHERE log_type = 'BASELINE' "
                    + "AND column_name = ':table' AND count = 120")
                .first()
                .getLong(0))
        .isEqualTo(1);
  }

  @Test
  void columnarAndRowScansGiveTheSameMetricsAndFingerprints() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.typed");
    String select =
        "SELECT CASE WHEN id %% 97 = 5 THEN NULL ELSE timestamp_seconds(1767225600 + id * 601) END AS ts, "
            + "CASE id %% 13 WHEN 0 THEN NULL WHEN 1 THEN double('NaN') WHEN 2 THEN -0.0 WHEN 3 THEN 0.0 "
            + "ELSE randn(%1$d) * 10 END AS d, CAST(rand(%1$d) * 100 AS FLOAT) AS f, "
            + "CAST(id %% 17 AS INT) AS i, id * 1000003 AS l, CAST(id %% 5 AS SHORT) AS sh, "
            + "CAST(rand(%1$d + 1) * 1000 AS DECIMAL(10, 2)) AS dec, "
            + "CASE WHEN id %% 11 = 0 THEN NULL ELSE concat('k', CAST(id %% 7 AS STRING)) END AS s, "
            + "concat('u', uuid()) AS u, id %% 3 = 0 AS b, timestamp_seconds(id * 37) AS t2, "
            + "CASE WHEN id %% 9 = 0 THEN NULL ELSE date_add(DATE'2026-01-01', CAST(id %% 40 AS INT)) END AS dt "
            + "FROM range(%2$d, %3$d)";
    // Partitioned by a monitored column: the file scan gives it as a constant vector per file.
    sql(select, 5, 0, 1500)
        .write()
        .format("delta")
        .partitionBy("b")
        .saveAsTable("dev.scratch.typed");
    // Plain-encoded strings as well as dictionary-encoded ones.
    sql(select, 6, 1500, 3000)
        .write()
        .format("delta")
        .option("parquet.enable.dictionary", "false")
        .mode("append")
        .saveAsTable("dev.scratch.typed");
    String yaml =
        """
        name: %s
        table: scratch.typed
        profile_type: time_series
        timestamp_col: ts
        granularities: ["1 day", "1 week"]
        %s
        baseline: {version: 0}
        """;
    Dataset<Row> data = spark().table("dev.scratch.typed");
    java.util.Optional<ColumnarScan> plain =
        ColumnarScan.plan(
            data,
            () -> data,
            false,
            List.of("d", "f", "i", "l", "sh", "dec", "s", "t2", "dt"),
            "ts");
    assertThat(plain)
        .as("a plain Delta table is read as column vectors, its partition column unasked for")
        .isPresent();
    assertThat(plain.get().filesOfVersion(0))
        .as("version 0's files are read with the latest")
        .hasValueSatisfying(
            files ->
                assertThat(files)
                    .isNotEmpty()
                    .hasSize(
                        (int)
                            sql("SELECT count(*) FROM (SELECT DISTINCT input_file_name() FROM dev.scratch.typed VERSION AS OF 0)")
                                .first()
                                .getLong(0)));
    Dataset<Row> keys =
        data.where("ts IS NOT NULL")
            .selectExpr(
                "CAST(s AS STRING)",
                "CAST(i > 8 AS STRING)",
                "xxhash64(CAST(s AS STRING), CAST(i > 8 AS STRING))");
    assertThat(
            ColumnarScan.plan(
                data.where("ts IS NOT NULL"), () -> keys, true, List.of("d", "s"), "ts"))
        .as("slices are projected per row, values still read from the vectors")
        .isPresent();
    for (String slices : List.of("", "slicing_exprs: [\"s\", \"i > 8\"]")) {
      for (boolean columnar : new boolean[] {true, false}) {
        String name =
            "typed_" + (columnar ? "columnar" : "rows") + (slices.isEmpty() ? "" : "_sliced");
        MonitorData.writeMonitor(home().confDir(), name, String.format(yaml, name, slices));
        spark().conf().set(MonitorProperties.COLUMNAR_SCAN, Boolean.toString(columnar));
        try {
          MonitorSpec spec = MonitorSpecs.load(home(), name);
          assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows())
              .hasSize(24);
          assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows())
              .as(name + ": the fingerprint pass agrees with the scan's fingerprints")
              .isEmpty();
        } finally {
          spark().conf().unset(MonitorProperties.COLUMNAR_SCAN);
        }
      }
      String suffix = slices.isEmpty() ? "" : "_sliced";
      for (String table : List.of("profile", "drift")) {
        // Moments merge the tasks' partial sums in whatever order the tasks ran: equal to 1e-9.
        List<String> moments =
            table.equals("profile") ? List.of("avg", "stddev") : List.of("avg_delta");
        Dataset<Row> columnar =
            sql("SELECT * FROM dev.monitoring.typed_columnar%s_%s_metrics", suffix, table);
        Dataset<Row> rows =
            sql("SELECT * FROM dev.monitoring.typed_rows%s_%s_metrics", suffix, table);
        assertThat(columnar.count()).as(table + suffix).isEqualTo(rows.count()).isPositive();
        Dataset<Row> exactColumnar = columnar.drop(moments.toArray(new String[0]));
        Dataset<Row> exactRows = rows.drop(moments.toArray(new String[0]));
        assertThat(exactColumnar.exceptAll(exactRows).collectAsList())
            .as(table + suffix + ": columnar but not rows")
            .isEmpty();
        assertThat(exactRows.exceptAll(exactColumnar).collectAsList())
            .as(table + suffix + ": rows but not columnar")
            .isEmpty();
        org.apache.spark.sql.Column same = org.apache.spark.sql.functions.lit(true);
        for (String key :
            List.of(
                "window",
                "log_type",
                "drift_type",
                "granularity",
                "slice_key",
                "slice_value",
                "model_id",
                "column_name")) {
          if (List.of(rows.columns()).contains(key)) {
            same =
                same.and(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .col("c." + key)
                        .eqNullSafe(org.apache.spark.sql.functions.col("r." + key)));
          }
        }
        for (String moment : moments) {
          Row worst =
              columnar
                  .as("c")
                  .join(rows.as("r"), same)
                  .selectExpr(
                      "count(*)",
                      String.format("max(abs(c.%1$s - r.%1$s) / greatest(abs(r.%1$s), 1))", moment),
                      String.format("count(c.%1$s) - count(r.%1$s)", moment))
                  .first();
          assertThat(worst.getLong(0)).as(table + suffix + " rows matched").isEqualTo(rows.count());
          assertThat(worst.isNullAt(1) ? 0.0 : worst.getDouble(1))
              .as(table + suffix + " " + moment)
              .isLessThan(1e-9);
          assertThat(worst.getLong(2)).as(table + suffix + " " + moment + " nulls").isZero();
        }
      }
    }
  }

  @Test
  void approximateDistinctCountsEqualSparksApproxCountDistinct() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.distinct");
    sql("SELECT timestamp_seconds(1767225600 + id * 37) AS ts, CASE WHEN id % 50 = 0 THEN -0.0 "
            + "ELSE round(randn(3) * 1000, 1) END AS x, timestamp_seconds(id * 7919) AS t, "
            + "concat('k', CAST(id * 7 % 900 AS STRING)) AS k FROM range(0, 20000)")
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.distinct");
    MonitorData.writeMonitor(
        home().confDir(),
        "distinct",
        """
        name: distinct
        table: scratch.distinct
        profile_type: time_series
        timestamp_col: ts
        granularities: ["1 day"]
        """);
    spark().conf().set(MonitorProperties.NUMERIC_SKETCH_SIZE, "64");
    spark().conf().set(MonitorProperties.CATEGORY_LIMIT, "10");
    try {
      MonitorRefresh.of(spark(), "dev", MonitorSpecs.load(home(), "distinct")).execute();
    } finally {
      spark().conf().unset(MonitorProperties.NUMERIC_SKETCH_SIZE);
      spark().conf().unset(MonitorProperties.CATEGORY_LIMIT);
    }
    for (Row k :
        sql("SELECT window.start, distinct_count FROM dev.monitoring.distinct_profile_metrics "
                + "WHERE column_name = 'k' AND log_type = 'INPUT' AND slice_key IS NULL")
            .collectAsList()) {
      Row spark =
          sql(
                  "SELECT approx_count_distinct(k, %s), count(DISTINCT k) FROM dev.scratch.distinct "
                      + "WHERE ts >= timestamp'%s' AND ts < timestamp'%s' + INTERVAL 1 DAY",
                  MonitorProperties.DISTINCT_RELATIVE_SD, k.get(0), k.get(0))
              .first();
      assertThat(k.getLong(1)).as("k in " + k.get(0)).isEqualTo(spark.getLong(0));
      assertThat(spark.getLong(1)).as("past twice the category limit").isGreaterThan(20);
    }
    List<Row> windows =
        sql("SELECT window.start, x.distinct_count, t.distinct_count "
                + "FROM dev.monitoring.distinct_profile_metrics x JOIN dev.monitoring.distinct_profile_metrics t "
                + "USING (window, log_type) WHERE x.column_name = 'x' AND t.column_name = 't' AND log_type = 'INPUT' "
                + "AND x.slice_key IS NULL AND t.slice_key IS NULL ORDER BY 1")
            .collectAsList();
    assertThat(windows).hasSize(9);
    for (Row w : windows) {
      Row spark =
          sql(
                  "SELECT approx_count_distinct(CAST(x AS DOUBLE), %s), approx_count_distinct(t, %s), "
                      + "count(DISTINCT x) FROM dev.scratch.distinct WHERE ts >= timestamp'%s' AND ts < timestamp'%s' + INTERVAL 1 DAY",
                  MonitorProperties.DISTINCT_RELATIVE_SD,
                  MonitorProperties.DISTINCT_RELATIVE_SD,
                  w.get(0),
                  w.get(0))
              .first();
      assertThat(w.getLong(1)).as("x in " + w.get(0)).isEqualTo(spark.getLong(0));
      assertThat(w.getLong(2)).as("t in " + w.get(0)).isEqualTo(spark.getLong(1));
      assertThat(spark.getLong(2)).as("past the exact sketch's 64 values").isGreaterThan(64);
    }
  }

  @Test
  void baselineVersionIsReadOnItsOwnOnceItsFilesAreRewritten() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.rewritten");
    MonitorData.flights(spark(), 51, 100, new int[] {0}, new Drift[] {Drift.NONE})
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.rewritten");
    MonitorData.flights(spark(), 52, 100, new int[] {1}, new Drift[] {Drift.MEAN_SHIFT})
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable("dev.scratch.rewritten");
    Dataset<Row> before = spark().table("dev.scratch.rewritten");
    List<String> columns = List.of("origin", "delay_minutes");
    assertThat(
            ColumnarScan.plan(before, () -> before, false, columns, "flight_time")
                .orElseThrow()
                .filesOfVersion(0))
        .isPresent();
    sql(
        "DELETE FROM dev.scratch.rewritten WHERE origin = 'SEA' AND flight_time < timestamp_millis(%d)",
        MonitorData.DAY0 + 86_400_000L);
    Dataset<Row> after = spark().table("dev.scratch.rewritten");
    assertThat(
            ColumnarScan.plan(after, () -> after, false, columns, "flight_time")
                .orElseThrow()
                .filesOfVersion(0))
        .as("version 0's rows are no longer all in the latest version")
        .isEmpty();

    MonitorData.writeMonitor(
        home().confDir(),
        "rewritten",
        """
        name: rewritten
        table: scratch.rewritten
        profile_type: time_series
        timestamp_col: flight_time
        granularities: ["1 day"]
        baseline: {version: 0}
        """);
    MonitorRefresh.of(spark(), "dev", MonitorSpecs.load(home(), "rewritten")).execute();
    Row baseline =
        sql("SELECT count, distinct_count FROM dev.monitoring.rewritten_profile_metrics "
                + "WHERE column_name = 'origin' AND log_type = 'BASELINE' AND slice_key IS NULL")
            .first();
    assertThat(baseline.getLong(0)).as("version 0 had 100 rows").isEqualTo(100);
    assertThat(baseline.getLong(1)).as("SEA among them").isEqualTo(4);
  }

  @Test
  void deletedRowsOfDeletionVectorsAreNotProfiled() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.deleted");
    MonitorData.flights(spark(), 41, 200, new int[] {0}, new Drift[] {Drift.NONE})
        .write()
        .format("delta")
        .option("delta.enableDeletionVectors", "true")
        .saveAsTable("dev.scratch.deleted");
    sql("DELETE FROM dev.scratch.deleted WHERE origin = 'SEA'");
    MonitorData.writeMonitor(
        home().confDir(),
        "deleted",
        """
        name: deleted
        table: scratch.deleted
        profile_type: time_series
        timestamp_col: flight_time
        granularities: ["1 day"]
        """);
    MonitorRefresh.of(spark(), "dev", MonitorSpecs.load(home(), "deleted")).execute();
    Row profiled =
        sql("SELECT count, distinct_count FROM dev.monitoring.deleted_profile_metrics "
                + "WHERE column_name = 'origin' AND slice_key IS NULL")
            .first();
    assertThat(sql("SELECT count(*) FROM dev.scratch.deleted").first().getLong(0)).isLessThan(200);
    assertThat(profiled.getLong(0))
        .isEqualTo(sql("SELECT count(*) FROM dev.scratch.deleted").first().getLong(0));
    assertThat(profiled.getLong(1)).as("SEA deleted").isEqualTo(3);
  }
}
