package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import lakeops.env.LakeOpsHome;
import lakeops.testing.CliProcess;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs for real: every task a {@code spark-submit} process of the job jar; the training job on an
 * ephemeral standalone cluster (Spark's own Master and Worker on loopback) through {@code
 * bin/lakeops job run}, with its runs recorded in {@code dev.lakeops.job_runs}.
 */
class JobRunnerIT {

  /** Four SQL tasks, two of them in parallel, on an ephemeral standalone cluster. */
  private static final String TRAINING_SET_JOB =
      """
      name: training_set
      parameters:
        - {name: source_table, default: features.training_examples}
        - {name: training_table, default: ml.training_set}
      job_clusters:
        - job_cluster_key: training
          new_cluster: {kind: standalone, spark_conf: {spark.sql.shuffle.partitions: "4"}}
      tasks:
        - task_key: prepare_training_set
          lakeops_task:
            command: sql
            parameters:
              - >-
                CREATE SCHEMA IF NOT EXISTS ml;
                CREATE OR REPLACE TABLE {{job.parameters.training_table}} AS
                SELECT * FROM {{job.parameters.source_table}}
          max_retries: 1
        - task_key: check_not_empty
          depends_on: [{task_key: prepare_training_set}]
          lakeops_task:
            command: sql
            parameters: ["SELECT assert_true(count(*) > 0, 'empty') IS NULL AS ok FROM {{job.parameters.training_table}}"]
        - task_key: profile
          depends_on: [{task_key: prepare_training_set}]
          lakeops_task:
            command: sql
            parameters: ["--format", "csv", "SELECT count(*) AS examples FROM {{job.parameters.training_table}}"]
        - task_key: log_training_set
          depends_on: [{task_key: check_not_empty}, {task_key: profile}]
          lakeops_task:
            command: sql
            parameters:
              - >-
                CREATE TABLE IF NOT EXISTS ml.training_set_log
                (run_id STRING, training_table STRING, examples BIGINT, logged_at TIMESTAMP);
                INSERT INTO ml.training_set_log
                SELECT '{{job.run_id}}', '{{job.parameters.training_table}}', count(*), current_timestamp()
                FROM {{job.parameters.training_table}}
      """;

  private LakeOpsHome home;

  @AfterEach
  void noClusterProcessIsLeft() {
    if (home == null) {
      return;
    }
    String marker = home.root().toString();
    List<String> left =
        ProcessHandle.allProcesses()
            .filter(
                p ->
                    p.info()
                        .commandLine()
                        .map(
                            c ->
                                c.contains(marker)
                                    && (c.contains(JobProperties.MASTER_CLASS)
                                        || c.contains(JobProperties.WORKER_CLASS)
                                        || c.contains("CoarseGrainedExecutorBackend")
                                        || c.contains(JobProperties.SPARK_SUBMIT_CLASS)))
                        .orElse(false))
            .peek(ProcessHandle::destroyForcibly)
            .map(p -> p.info().commandLine().orElse("?"))
            .toList();
    assertThat(left).as("cluster and task processes after the run").isEmpty();
  }

  @Test
  void trainingJobRunsOnAnEphemeralStandaloneCluster() throws IOException {
    home = TestHome.create("job-training");
    Files.createDirectories(home.root().resolve("jobs"));
    Files.writeString(home.root().resolve("jobs/training_set.yml"), TRAINING_SET_JOB);
    CliProcess.Result source =
        lakeops(
            "sql",
            "--env",
            "dev",
            "CREATE SCHEMA IF NOT EXISTS dev.features; "
                + "CREATE TABLE dev.features.training_examples AS SELECT id, id % 2 AS label FROM range(50)");
    assertThat(source.exitCode()).as(source.stderr()).isZero();

    CliProcess.Result run = lakeops("job", "run", "jobs/training_set.yml", "--env", "dev");

    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("task prepare_training_set RUNNING (attempt 1) on spark://127.0.0.1:")
        .contains("task log_training_set TERMINATED SUCCESS")
        .contains("SUCCESS, recorded in dev.lakeops.job_runs");
    CliProcess.Result history =
        lakeops(
            "sql",
            "--env",
            "dev",
            "--format",
            "csv",
            "SELECT coalesce(task_key, '(job)') AS task, result_state, master LIKE 'spark://127.0.0.1:%' AS standalone "
                + "FROM dev.lakeops.job_runs ORDER BY task; "
                + "SELECT l.examples, l.run_id = r.run_id AS same_run FROM dev.ml.training_set_log l "
                + "JOIN dev.lakeops.job_runs r ON r.task_key IS NULL");
    assertThat(history.exitCode()).as(history.stderr()).isZero();
    assertThat(history.stdout().lines())
        .containsExactly(
            "task,result_state,standalone",
            "(job),SUCCESS,true",
            "check_not_empty,SUCCESS,true",
            "log_training_set,SUCCESS,true",
            "prepare_training_set,SUCCESS,true",
            "profile,SUCCESS,true",
            "examples,same_run",
            "50,true");
  }

  /** {@code bin/lakeops} as {@link CliProcess} runs it, with room for a loaded 2-core machine. */
  private CliProcess.Result lakeops(String... args) throws IOException {
    Path out = Files.createTempFile("lakeops-job", ".out");
    Path err = Files.createTempFile("lakeops-job", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(
                            TestHome.projectDir().resolve("bin/lakeops").toString()),
                        java.util.Arrays.stream(args))
                    .toList())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("LAKEOPS_HOME", home.root().toString());
    builder.environment().put("LAKEOPS_DRIVER_MEMORY", "1g");
    builder.environment().put("JAVA_OPTS", "-Dspark.master=local[1]");
    Process process = builder.start();
    try {
      if (!process.waitFor(CLI_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroy();
        process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        throw new AssertionError(
            "bin/lakeops "
                + String.join(" ", args)
                + " ran over "
                + CLI_TIMEOUT_SECONDS
                + " s: "
                + Files.readString(out));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new CliProcess.Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static final long CLI_TIMEOUT_SECONDS = 1200;

  /** Test main classes sit on the launch classpath, beside our classes (not in the job jar). */
  @Test
  void sparkSubmitTasksRetryTimeOutAndPassValues() throws IOException {
    home = TestHome.create("job-processes");
    Path counter = home.root().resolve("flaky.count");
    Path written = home.root().resolve("consumer.out");
    Path file = home.root().resolve("processes.yml");
    Files.writeString(
        file,
        """
        name: processes
        parameters: [{name: greeting, default: hello}]
        tasks:
          - task_key: flaky
            max_retries: 2
            spark_jar_task: {main_class_name: lakeops.jobs.testing.FlakyMain, parameters: ["%s", "1"]}
          - task_key: producer
            spark_jar_task: {main_class_name: lakeops.jobs.testing.TaskValueMain, parameters: [rows, "42"]}
          - task_key: consumer
            depends_on: [{task_key: producer}, {task_key: flaky}]
            spark_jar_task:
              main_class_name: lakeops.jobs.testing.WriteArgsMain
              parameters: ["%s", "{{tasks.producer.values.rows}}", "{{job.parameters.greeting}}"]
          - task_key: slow
            timeout_seconds: 3
            spark_jar_task: {main_class_name: lakeops.jobs.testing.SleepMain, parameters: ["120000"]}
        """
            .formatted(counter, written));
    SparkRuntime runtime =
        SparkRuntime.of(LakeOpsHome.at(TestHome.projectDir()))
            .withExtraClasspath(
                List.of(
                    TestHome.projectDir().resolve("target/test-classes").toString(),
                    TestHome.projectDir().resolve("target/classes").toString()));
    List<RunRecord> records = new CopyOnWriteArrayList<>();
    JobRunResult result =
        new JobRunner(
                new SparkSubmitLauncher(home, runtime, "256m"),
                ClusterProvider.fixed("local[1]"),
                Jobs.stateDir(home))
            .withMaxParallelTasks(2)
            .run(
                JobSpecs.load(file),
                RunRequest.manual("dev", Map.of("greeting", "hi")),
                records::add);

    assertThat(result.task("flaky").resultState()).isEqualTo(ResultState.SUCCESS);
    assertThat(result.attempts("flaky")).isEqualTo(2);
    assertThat(result.records())
        .filteredOn(r -> "flaky".equals(r.taskKey()) && r.attempt() == 0 && r.resultState() != null)
        .extracting(RunRecord::stateMessage)
        .containsExactly("Error: flaky failure 1");
    assertThat(result.task("producer").taskValues()).containsEntry("rows", "42");
    assertThat(Files.readAllLines(written)).containsExactly("42", "hi");
    assertThat(result.task("slow").resultState()).isEqualTo(ResultState.TIMEDOUT);
    assertThat(result.task("slow").duration().toSeconds()).isLessThan(30);
    assertThat(result.result()).isEqualTo(ResultState.FAILED);
    assertThat(records).hasSameSizeAs(result.records());
  }
}
