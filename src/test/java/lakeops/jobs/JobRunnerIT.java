package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import lakeops.env.LakeOpsHome;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs for real: every task a {@code spark-submit} process of the job jar, retried, timed out and
 * passing values. (A whole pipeline as one job on an ephemeral standalone cluster, through {@code
 * bin/lakeops job run}, is {@code PipelineJobsIT}.)
 */
class JobRunnerIT {

  private LakeOpsHome home;

  @AfterEach
  void noClusterProcessIsLeft() {
    ClusterProcesses.assertNoneLeft(home);
  }

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
