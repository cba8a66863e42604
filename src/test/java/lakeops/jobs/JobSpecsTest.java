package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.InvalidConfigException;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSpecsTest {

  @TempDir Path dir;

  private Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name + ".yml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void readsADatabricksShapedJob() throws IOException {
    JobSpec job =
        JobSpecs.load(
            write(
                "train",
                """
        name: train
        parameters:
          - name: table
            default: bronze.flights
        job_clusters:
          - job_cluster_key: main
            new_cluster: {kind: standalone, num_workers: 2, spark_conf: {spark.ui.enabled: "false"}}
        schedule: {quartz_cron_expression: "0 0 3 * * ?", timezone_id: Europe/Paris, pause_status: PAUSED}
        tasks:
          - task_key: prepare
            lakeops_task: {command: sql, parameters: ["SELECT * FROM {{job.parameters.table}}"]}
          - task_key: train
            depends_on: [{task_key: prepare}]
            run_if: ALL_DONE
            max_retries: 2
            timeout_seconds: 60
            spark_jar_task: {main_class_name: com.example.Train, parameters: ["{{tasks.prepare.values.rows}}"]}
        """));
    assertThat(job.task("prepare").mainClass()).isEqualTo("lakeops.cli.LakeOps");
    assertThat(job.task("prepare").parameters())
        .containsExactly(
            "sql", "--env", "{{job.environment}}", "SELECT * FROM {{job.parameters.table}}");
    assertThat(job.task("train").dependsOn()).containsExactly("prepare");
    assertThat(job.task("train").runIf()).isEqualTo(RunIf.ALL_DONE);
    assertThat(job.task("train").jobClusterKey()).isEqualTo("main");
    assertThat(job.jobClusters().get("main").kind()).isEqualTo(JobSpec.ClusterKind.STANDALONE);
    assertThat(job.schedule().orElseThrow().paused()).isTrue();
    assertThat(JobGraph.of(job).order()).containsExactly("prepare", "train");
    assertThat(
            CronSchedule.of(job.schedule().get()).nextAfter(Instant.parse("2026-01-01T00:00:00Z")))
        .contains(Instant.parse("2026-01-01T02:00:00Z"));
  }

  @Test
  void unknownDependencyIsNamed() throws IOException {
    Path file =
        write(
            "bad",
            """
        name: bad
        tasks:
          - {task_key: a, spark_jar_task: {main_class_name: x.A}, depends_on: [{task_key: nope}]}
        """);
    assertThatThrownBy(() -> JobSpecs.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("bad.yml")
        .hasMessageContaining("task 'a' depends on 'nope', which is no task");
  }

  @Test
  void cyclesAreShown() throws IOException {
    Path file =
        write(
            "cycle",
            """
        name: cycle
        tasks:
          - {task_key: a, spark_jar_task: {main_class_name: x.A}, depends_on: [{task_key: c}]}
          - {task_key: b, spark_jar_task: {main_class_name: x.A}, depends_on: [{task_key: a}]}
          - {task_key: c, spark_jar_task: {main_class_name: x.A}, depends_on: [{task_key: b}]}
        """);
    assertThatThrownBy(() -> JobSpecs.load(file))
        .hasMessageContaining("tasks form a cycle: a -> c -> b -> a");
  }

  @Test
  void badSpecsNameFileAndKey() throws IOException {
    assertThatThrownBy(
            () ->
                JobSpecs.load(
                    write(
                        "cron",
                        """
        name: cron
        schedule: {quartz_cron_expression: "every day"}
        tasks: [{task_key: a, spark_jar_task: {main_class_name: x.A}}]
        """)))
        .hasMessageContaining("cron.yml")
        .hasMessageContaining("schedule.quartz_cron_expression")
        .hasMessageContaining("not a Quartz cron expression");
    assertThatThrownBy(
            () ->
                JobSpecs.load(
                    write(
                        "typo",
                        """
        name: typo
        tasks: [{task_key: a, spark_jar_task: {main_class_name: x.A}, max_retrys: 2}]
        """)))
        .hasMessageContaining("unknown key 'tasks[0].max_retrys'");
    assertThatThrownBy(
            () ->
                JobSpecs.load(
                    write(
                        "runif",
                        """
        name: runif
        tasks: [{task_key: a, spark_jar_task: {main_class_name: x.A}, run_if: sometimes}]
        """)))
        .hasMessageContaining("tasks[0] (a).run_if")
        .hasMessageContaining("'sometimes' is not one of");
    assertThatThrownBy(
            () ->
                JobSpecs.load(
                    write(
                        "both",
                        """
        name: both
        tasks: [{task_key: a}]
        """)))
        .hasMessageContaining("exactly one of spark_jar_task and lakeops_task");
    assertThatThrownBy(
            () ->
                JobSpecs.load(
                    write(
                        "param",
                        """
        name: param
        tasks: [{task_key: a, spark_jar_task: {main_class_name: x.A, parameters: ["{{job.parameters.x}}"]}}]
        """)))
        .hasMessageContaining("declares no parameter 'x'");
    assertThatThrownBy(
            () ->
                JobSpecs.load(
                    write(
                        "value",
                        """
        name: value
        tasks:
          - {task_key: a, spark_jar_task: {main_class_name: x.A, parameters: ["{{tasks.b.values.v}}"]}}
          - {task_key: b, spark_jar_task: {main_class_name: x.A}}
        """)))
        .hasMessageContaining("'b' is not a task it depends on");
    assertThatThrownBy(
            () ->
                JobSpecs.load(
                    write(
                        "other",
                        """
        name: wrong
        tasks: [{task_key: a, spark_jar_task: {main_class_name: x.A}}]
        """)))
        .hasMessageContaining("must match the file name 'other'");
  }

  @Test
  void shippedJobsAreValid() {
    LakeOpsHome project = LakeOpsHome.at(TestHome.projectDir());
    assertThat(JobSpecs.loadAll(project))
        .extracting(JobSpec::name)
        .contains("training", "retraining", "quickstart", "ingestion");
  }
}
