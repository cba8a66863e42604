package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lakeops.jobs.JobRunResult;
import lakeops.jobs.JobScheduler;
import lakeops.jobs.JobSpec;
import lakeops.jobs.JobSpecs;
import lakeops.jobs.LifeCycleState;
import lakeops.jobs.ResultState;
import lakeops.jobs.RunRecord;
import lakeops.jobs.RunRequest;
import lakeops.jobs.SchedulerState;
import lakeops.jobs.SparkTriggerSource;
import lakeops.monitoring.MonitorData.Drift;
import lakeops.testing.SharedSpark;
import lakeops.testing.TestHome;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert rules fire on drift, once per window, and start the retraining job through its trigger. */
class AlertRetrainingTest extends SharedSpark {

  @TempDir Path dir;

  private final List<RunRequest> started = new CopyOnWriteArrayList<>();

  private JobRunResult record(JobSpec job, RunRequest request) {
    started.add(request);
    RunRecord run =
        new RunRecord(
            "r" + started.size(),
            job.name(),
            "dev",
            null,
            0,
            LifeCycleState.TERMINATED,
            ResultState.SUCCESS,
            "",
            Instant.now(),
            Instant.now(),
            request.trigger(),
            "",
            List.of(),
            java.util.Map.of());
    return new JobRunResult(run, List.of(run));
  }

  @Test
  void driftAlertStartsRetrainingOnceNotTwice() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.alerting");
    sql("DROP TABLE IF EXISTS dev.monitoring.alerts");
    int[] days = {0, 1, 2, 3, 4, 5};
    Drift[] none = {Drift.NONE, Drift.NONE, Drift.NONE, Drift.NONE, Drift.NONE, Drift.NONE};
    MonitorData.flights(spark(), 31, 150, days, none)
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.alerting");
    MonitorData.writeMonitor(
        home().confDir(),
        "alerting",
        """
        name: alerting
        table: scratch.alerting
        profile_type: time_series
        timestamp_col: flight_time
        granularities: ["1 day"]
        columns: [delay_minutes, origin]
        baseline: {version: 0}
        alerts:
          - {name: feature_drift, metric: js_distance, column: delay_minutes, condition: ">", threshold: 0.3}
          - {name: delay_anomaly, source: profile, metric: avg, column: delay_minutes, sigmas: 3}
          - {name: origin_drift, metric: tv_distance, column: origin, condition: ">", threshold: 0.3,
             at_least: 2, of_last: 3}
        """);
    MonitorSpec spec = MonitorSpecs.load(home(), "alerting");
    JobSpec retraining = JobSpecs.load(TestHome.projectDir().resolve("jobs/retraining.yml"));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (SchedulerState state = SchedulerState.open(dir.resolve("scheduler.json"));
        JobScheduler scheduler =
            new JobScheduler(
                List.of(retraining),
                "dev",
                this::record,
                new SparkTriggerSource(spark(), "dev"),
                state,
                false,
                Clock.systemUTC(),
                quiet)) {
      scheduler.tick();
      MonitorRefresh.of(spark(), "dev", spec).execute();
      assertThat(AlertEvaluation.of(spark(), "dev", spec).execute())
          .as("same distribution")
          .isEmpty();
      assertThat(scheduler.tick()).isEmpty();

      MonitorData.flights(spark(), 32, 150, new int[] {6}, new Drift[] {Drift.MEAN_SHIFT})
          .write()
          .format("delta")
          .mode("append")
          .saveAsTable("dev.scratch.alerting");
      MonitorRefresh.of(spark(), "dev", spec).execute();
      List<FiredAlert> fired = AlertEvaluation.of(spark(), "dev", spec).execute();
      assertThat(fired)
          .extracting(FiredAlert::alertName)
          .containsExactlyInAnyOrder("feature_drift", "delay_anomaly");
      assertThat(fired.get(0).windowStart().getTime())
          .isEqualTo(MonitorData.DAY0 + 6 * 86_400_000L);
      assertThat(scheduler.tick()).containsExactly("retraining");
      scheduler.awaitRuns(Duration.ofSeconds(10));

      assertThat(AlertEvaluation.of(spark(), "dev", spec).execute())
          .as("evaluated again")
          .isEmpty();
      assertThat(MonitorRefresh.of(spark(), "dev", spec).execute().recomputedWindows()).isEmpty();
      assertThat(scheduler.tick()).as("fired once, not twice").isEmpty();
    }
    assertThat(started).extracting(RunRequest::trigger).containsExactly("alert");
    List<Row> alerts =
        sql("SELECT alert_name, monitor, column_name, value > 0.3 FROM dev.monitoring.alerts "
                + "WHERE alert_name = 'feature_drift'")
            .collectAsList();
    assertThat(alerts.toString()).isEqualTo("[[feature_drift,alerting,delay_minutes,true]]");
  }
}
