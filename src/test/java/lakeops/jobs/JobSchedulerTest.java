package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import lakeops.exceptions.LakeOpsException;
import lakeops.testing.SharedSpark;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cron schedules across restarts, concurrency limits, pausing and the alert trigger. */
class JobSchedulerTest extends SharedSpark {

  @TempDir Path dir;

  private final List<RunRequest> started = new CopyOnWriteArrayList<>();
  private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now;

    TestClock(String start) {
      now = Instant.parse(start);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private JobSpec hourly(int maxConcurrentRuns) throws IOException {
    Path file = dir.resolve("hourly.yml");
    Files.writeString(
        file,
        """
        name: hourly
        max_concurrent_runs: %d
        schedule: {quartz_cron_expression: "0 0 * * * ?", timezone_id: UTC}
        tasks: [{task_key: a, spark_jar_task: {main_class_name: x.A}}]
        """
            .formatted(maxConcurrentRuns));
    return JobSpecs.load(file);
  }

  private JobScheduler scheduler(
      List<JobSpec> jobs,
      SchedulerState state,
      TriggerSource triggers,
      boolean paused,
      Clock clock,
      JobScheduler.JobStarter starter) {
    return new JobScheduler(jobs, "dev", starter, triggers, state, paused, clock, quiet);
  }

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

  private static final TriggerSource NO_TRIGGERS =
      new TriggerSource() {
        @Override
        public java.util.Optional<Long> tableVersion(String table) {
          return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<Instant> lastAlert(List<String> alertNames) {
          return java.util.Optional.empty();
        }
      };

  @Test
  void firesADueJobOnceAcrossARestart() throws Exception {
    JobSpec job = hourly(1);
    Path stateFile = dir.resolve("state/dev.json");
    TestClock clock = new TestClock("2026-11-25T10:30:00Z");
    try (SchedulerState state = SchedulerState.open(stateFile);
        JobScheduler first =
            scheduler(List.of(job), state, NO_TRIGGERS, false, clock, this::record)) {
      assertThat(first.tick()).isEmpty();
      clock.now = Instant.parse("2026-11-25T11:00:05Z");
      assertThat(first.tick()).containsExactly("hourly");
      first.awaitRuns(Duration.ofSeconds(10));
      assertThat(first.tick()).isEmpty();
      assertThatThrownBy(() -> SchedulerState.open(stateFile))
          .isInstanceOf(LakeOpsException.class)
          .hasMessageContaining("another scheduler already runs");
    }
    clock.now = Instant.parse("2026-11-25T11:00:40Z");
    try (SchedulerState state = SchedulerState.open(stateFile);
        JobScheduler restarted =
            scheduler(List.of(job), state, NO_TRIGGERS, false, clock, this::record)) {
      assertThat(restarted.tick()).isEmpty();
      clock.now = Instant.parse("2026-11-25T14:10:00Z");
      assertThat(restarted.tick()).as("missed fires run once").containsExactly("hourly");
      restarted.awaitRuns(Duration.ofSeconds(10));
      assertThat(restarted.tick()).isEmpty();
    }
    assertThat(started).extracting(RunRequest::trigger).containsExactly("cron", "cron");
  }

  @Test
  void skipsOverlappingRunsAndPausesDevelopment() throws Exception {
    JobSpec job = hourly(1);
    TestClock clock = new TestClock("2026-11-25T10:30:00Z");
    CountDownLatch release = new CountDownLatch(1);
    try (SchedulerState state = SchedulerState.open(dir.resolve("overlap.json"));
        JobScheduler scheduler =
            scheduler(
                List.of(job),
                state,
                NO_TRIGGERS,
                false,
                clock,
                (j, r) -> {
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return record(j, r);
                })) {
      scheduler.tick();
      clock.now = Instant.parse("2026-11-25T11:00:00Z");
      assertThat(scheduler.tick()).containsExactly("hourly");
      clock.now = Instant.parse("2026-11-25T12:00:00Z");
      assertThat(scheduler.tick()).as("the 11:00 run still runs").isEmpty();
      release.countDown();
      scheduler.awaitRuns(Duration.ofSeconds(10));
    }
    assertThat(started).hasSize(1);
    try (SchedulerState state = SchedulerState.open(dir.resolve("paused.json"));
        JobScheduler paused =
            scheduler(
                List.of(job),
                state,
                NO_TRIGGERS,
                JobScheduler.pausedByDefault("dev"),
                clock,
                this::record)) {
      paused.tick();
      clock.now = Instant.parse("2026-11-25T15:00:00Z");
      assertThat(paused.tick()).isEmpty();
    }
    assertThat(JobScheduler.pausedByDefault("prod")).isFalse();
  }

  @Test
  void alertTriggerStartsTheRetrainingJobOnce() throws Exception {
    JobSpec retraining = JobSpecs.load(TestHome.projectDir().resolve("jobs/retraining.yml"));
    TriggerSource triggers = new SparkTriggerSource(spark(), "dev");
    Clock clock = Clock.systemUTC();
    Path stateFile = dir.resolve("alerts.json");
    sql("DROP TABLE IF EXISTS dev.monitoring.alerts");
    try (SchedulerState state = SchedulerState.open(stateFile);
        JobScheduler scheduler =
            scheduler(List.of(retraining), state, triggers, false, clock, this::record)) {
      assertThat(scheduler.tick()).as("no alerts table yet").isEmpty();
      sql("CREATE SCHEMA IF NOT EXISTS dev.monitoring");
      sql("CREATE TABLE dev.monitoring.alerts (alert_name STRING, fired_at TIMESTAMP) USING delta");
      sql("INSERT INTO dev.monitoring.alerts VALUES ('latency', current_timestamp())");
      assertThat(scheduler.tick()).as("an alert the job does not listen to").isEmpty();
      sql(
          "INSERT INTO dev.monitoring.alerts VALUES ('feature_drift', current_timestamp() + INTERVAL 1 SECOND)");
      assertThat(scheduler.tick()).containsExactly("retraining");
      scheduler.awaitRuns(Duration.ofSeconds(10));
      assertThat(scheduler.tick()).isEmpty();
    }
    try (SchedulerState state = SchedulerState.open(stateFile);
        JobScheduler restarted =
            scheduler(List.of(retraining), state, triggers, false, clock, this::record)) {
      assertThat(restarted.tick()).isEmpty();
    }
    assertThat(started).extracting(RunRequest::trigger).containsExactly("alert");
    assertThat(started.get(0).environment()).isEqualTo("dev");
  }

  @Test
  void tableUpdateTriggerFiresOnNewVersions() throws Exception {
    Path file = dir.resolve("on_update.yml");
    Files.writeString(
        file,
        """
        name: on_update
        trigger: {table_update: {table_names: [scratch.trigger_source]}}
        tasks: [{task_key: a, spark_jar_task: {main_class_name: x.A}}]
        """);
    JobSpec job = JobSpecs.load(file);
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.trigger_source");
    sql("CREATE TABLE dev.scratch.trigger_source (id INT) USING delta");
    try (SchedulerState state = SchedulerState.open(dir.resolve("tables.json"));
        JobScheduler scheduler =
            scheduler(
                List.of(job),
                state,
                new SparkTriggerSource(spark(), "dev"),
                false,
                Clock.systemUTC(),
                this::record)) {
      assertThat(scheduler.tick()).isEmpty();
      sql("INSERT INTO dev.scratch.trigger_source VALUES (1)");
      assertThat(scheduler.tick()).containsExactly("on_update");
      scheduler.awaitRuns(Duration.ofSeconds(10));
      assertThat(scheduler.tick()).isEmpty();
    }
    assertThat(started).extracting(RunRequest::trigger).containsExactly("table_update");
  }

  @Test
  void recordsRunsInTheJobRunsTable() {
    Instant start = Instant.parse("2026-11-25T10:00:00Z");
    RunRecord running =
        new RunRecord(
            "run-1",
            "training",
            "dev",
            "prepare",
            0,
            LifeCycleState.RUNNING,
            null,
            "",
            start,
            null,
            "manual",
            "local[1]",
            List.of("sql"),
            java.util.Map.of());
    DeltaJobRunStore store = new DeltaJobRunStore(spark(), "dev");
    store.changed(
        new RunRecord(
            "run-1",
            "training",
            "dev",
            null,
            0,
            LifeCycleState.RUNNING,
            null,
            "",
            start,
            null,
            "manual",
            "local[1]",
            List.of("a=b"),
            java.util.Map.of()));
    store.changed(running);
    store.close();
    DeltaJobRunStore again = new DeltaJobRunStore(spark(), "dev");
    again.changed(
        running
            .next(LifeCycleState.TERMINATED, ResultState.SUCCESS, "", start.plusSeconds(5))
            .withTaskValues(java.util.Map.of("rows", "3")));
    again.close();
    List<String> rows =
        sql(
                "SELECT coalesce(task_key, '-'), life_cycle_state, coalesce(result_state, '-'), "
                    + "duration_ms, task_values['rows'] FROM dev.lakeops.job_runs WHERE run_id = 'run-1' ORDER BY 1")
            .collectAsList()
            .stream()
            .map(Object::toString)
            .toList();
    assertThat(rows)
        .containsExactly("[-,RUNNING,-,null,null]", "[prepare,TERMINATED,SUCCESS,5000,3]");
  }
}
