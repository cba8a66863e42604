package lakeops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import lakeops.env.LakeOpsHome;
import lakeops.testing.CliProcess.Result;
import lakeops.testing.SharedSpark;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;

/**
 * {@code lakeops monitor run --env prod}, then the drift metrics read with {@code lakeops sql --env
 * prod}: the metric tables are plain tables of the catalog. (From another process: {@code
 * ArchitectureIT}'s clients read the quickstart's.)
 */
class MonitorCliTest extends SharedSpark {

  @Test
  void driftMetricsWrittenByTheMonitorAreQueriedWithSql() throws Exception {
    spark();
    LakeOpsHome home = TestHome.create("monitor-cli");
    Path monitors = home.confDir().resolve("monitors");
    Files.createDirectories(monitors);
    Files.writeString(
        monitors.resolve("cli_flights.yml"),
        """
        name: cli_flights
        table: scratch.cli_flights
        profile_type: time_series
        timestamp_col: flight_time
        granularities: ["1 day"]
        slicing_exprs: [origin]
        alerts:
          - {name: feature_drift, metric: js_distance, column: delay_minutes, drift_type: CONSECUTIVE,
             condition: ">", threshold: 0.3}
        """);
    // Three days of flights; the third one delayed by 30 minutes more.
    Result create =
        InProcessLakeOps.run(
            home,
            "sql",
            "--env",
            "prod",
            "CREATE SCHEMA IF NOT EXISTS prod.scratch; CREATE TABLE prod.scratch.cli_flights AS "
                + "SELECT timestamp_seconds(1767225600 + id * 900) AS flight_time, "
                + "element_at(array('SEA', 'SFO'), CAST(id % 2 AS INT) + 1) AS origin, "
                + "(id * 37 % 41) + IF(id >= 192, 30, 0) AS delay_minutes FROM range(0, 288)");
    assertThat(create.exitCode()).as(create.stderr()).isZero();

    Result run =
        InProcessLakeOps.run(home, "monitor", "run", "--env", "prod", "--monitor", "cli_flights");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("3 window(s) recomputed", "alert feature_drift fired", "1 alert(s) fired");

    Result query =
        InProcessLakeOps.run(
            home,
            "sql",
            "--env",
            "prod",
            "--format",
            "csv",
            "SELECT date_format(window.start, 'yyyy-MM-dd') AS day, drift_type, round(js_distance, 2) > 0.3 AS drifted "
                + "FROM prod.monitoring.cli_flights_drift_metrics WHERE column_name = 'delay_minutes' "
                + "AND slice_key IS NULL ORDER BY 1; SELECT alert_name FROM prod.monitoring.alerts");
    assertThat(query.exitCode()).as(query.stderr()).isZero();
    assertThat(query.stdout().lines())
        .containsExactly(
            "day,drift_type,drifted",
            "2026-01-02,CONSECUTIVE,false",
            "2026-01-03,CONSECUTIVE,true",
            "alert_name",
            "feature_drift");
  }
}
