package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import lakeops.jobs.TaskLauncher.TaskOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DAG semantics of {@link JobRunner} with a scripted launcher (no processes): order, parallel
 * branches, retries, timeouts, run_if and task values. The real spark-submit path is JobRunnerIT's.
 */
class JobRunnerTest {

  @TempDir Path dir;

  /**
   * A launcher whose tasks act by their first parameter: ok, fail, flaky:N, sleep:MS, value:k=v.
   */
  static final class ScriptedLauncher implements TaskLauncher {
    final List<String> started = new CopyOnWriteArrayList<>();
    final Map<String, Instant[]> spans = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<List<String>> arguments = new CopyOnWriteArrayList<>();

    @Override
    public TaskOutcome launch(TaskInvocation invocation) throws InterruptedException {
      started.add(invocation.taskKey());
      arguments.add(invocation.parameters());
      Instant start = Instant.now();
      int call =
          calls.computeIfAbsent(invocation.taskKey(), k -> new AtomicInteger()).incrementAndGet();
      try {
        String action = invocation.parameters().get(0);
        if (action.equals("fail")) {
          return TaskOutcome.failure("Error: scripted failure");
        }
        if (action.startsWith("flaky:")) {
          return call <= Integer.parseInt(action.substring(6))
              ? TaskOutcome.failure("Error: flaky " + call)
              : TaskOutcome.success();
        }
        if (action.startsWith("sleep:")) {
          Thread.sleep(Long.parseLong(action.substring(6)));
        }
        if (action.startsWith("value:")) {
          String[] kv = action.substring(6).split("=", 2);
          TaskValues.write(invocation.valuesFile(), kv[0], kv[1]);
        }
        return TaskOutcome.success();
      } finally {
        spans.put(invocation.taskKey() + "#" + call, new Instant[] {start, Instant.now()});
      }
    }
  }

  private final ScriptedLauncher launcher = new ScriptedLauncher();
  private final List<RunRecord> seen = new CopyOnWriteArrayList<>();

  private JobRunResult run(String yaml, Map<String, String> parameters) throws IOException {
    String name = yaml.lines().findFirst().orElseThrow().replace("name:", "").strip();
    Path file = dir.resolve(name + ".yml");
    Files.writeString(file, yaml);
    return new JobRunner(launcher, ClusterProvider.fixed("local[1]"), dir)
        .run(JobSpecs.load(file), RunRequest.manual("dev", parameters), seen::add);
  }

  @Test
  void runsTasksInDependencyOrder() throws IOException {
    JobRunResult result =
        run(
            """
        name: chain
        tasks:
          - {task_key: c, depends_on: [{task_key: b}], spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: b, depends_on: [{task_key: a}], spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: a, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
        """,
            Map.of());
    assertThat(result.result()).isEqualTo(ResultState.SUCCESS);
    assertThat(launcher.started).containsExactly("a", "b", "c");
    assertThat(seen.get(0).lifeCycleState()).isEqualTo(LifeCycleState.PENDING);
    assertThat(seen.get(seen.size() - 1).lifeCycleState()).isEqualTo(LifeCycleState.TERMINATED);
    assertThat(result.task("c").resultState()).isEqualTo(ResultState.SUCCESS);
  }

  @Test
  void runsIndependentBranchesInParallel() throws IOException {
    JobRunResult result =
        run(
            """
        name: fan
        tasks:
          - {task_key: left, spark_jar_task: {main_class_name: x.T, parameters: ["sleep:600"]}}
          - {task_key: right, spark_jar_task: {main_class_name: x.T, parameters: ["sleep:600"]}}
          - task_key: join
            depends_on: [{task_key: left}, {task_key: right}]
            spark_jar_task: {main_class_name: x.T, parameters: [ok]}
        """,
            Map.of());
    assertThat(result.result()).isEqualTo(ResultState.SUCCESS);
    Instant[] left = launcher.spans.get("left#1");
    Instant[] right = launcher.spans.get("right#1");
    assertThat(left[0]).isBefore(right[1]);
    assertThat(right[0]).isBefore(left[1]);
    assertThat(launcher.spans.get("join#1")[0])
        .isAfterOrEqualTo(left[1])
        .isAfterOrEqualTo(right[1]);
  }

  @Test
  void retriesThenSucceeds() throws IOException {
    JobRunResult result =
        run(
            """
        name: retry
        tasks:
          - task_key: flaky
            max_retries: 3
            min_retry_interval_millis: 50
            spark_jar_task: {main_class_name: x.T, parameters: ["flaky:2"]}
        """,
            Map.of());
    assertThat(result.result()).isEqualTo(ResultState.SUCCESS);
    assertThat(result.attempts("flaky")).isEqualTo(3);
    assertThat(result.task("flaky").attempt()).isEqualTo(2);
    assertThat(result.records())
        .filteredOn(r -> "flaky".equals(r.taskKey()) && r.resultState() == ResultState.FAILED)
        .extracting(RunRecord::stateMessage)
        .containsExactly("Error: flaky 1", "Error: flaky 2");
  }

  @Test
  void retriesRunOut() throws IOException {
    JobRunResult result =
        run(
            """
        name: exhausted
        tasks:
          - {task_key: bad, max_retries: 1, spark_jar_task: {main_class_name: x.T, parameters: [fail]}}
          - {task_key: after, depends_on: [{task_key: bad}], spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
        """,
            Map.of());
    assertThat(result.result()).isEqualTo(ResultState.FAILED);
    assertThat(result.attempts("bad")).isEqualTo(2);
    assertThat(result.task("after").lifeCycleState()).isEqualTo(LifeCycleState.SKIPPED);
    assertThat(result.task("after").resultState()).isEqualTo(ResultState.UPSTREAM_FAILED);
  }

  @Test
  void timesOutAndStopsTheTask() throws IOException {
    long start = System.nanoTime();
    JobRunResult result =
        run(
            """
        name: slow
        tasks:
          - {task_key: slow, timeout_seconds: 1, spark_jar_task: {main_class_name: x.T, parameters: ["sleep:30000"]}}
        """,
            Map.of());
    assertThat(result.task("slow").resultState()).isEqualTo(ResultState.TIMEDOUT);
    assertThat(result.task("slow").stateMessage()).isEqualTo("timed out after 1 s");
    assertThat(result.result()).isEqualTo(ResultState.FAILED);
    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
  }

  @Test
  void runIfVariants() throws IOException {
    JobRunResult result =
        run(
            """
        name: runif
        tasks:
          - {task_key: good, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: bad, spark_jar_task: {main_class_name: x.T, parameters: [fail]}}
          - {task_key: all_success, depends_on: [{task_key: good}, {task_key: bad}], run_if: all_success, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: one_success, depends_on: [{task_key: good}, {task_key: bad}], run_if: at_least_one_success, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: none_failed, depends_on: [{task_key: good}, {task_key: bad}], run_if: none_failed, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: all_done, depends_on: [{task_key: good}, {task_key: bad}], run_if: all_done, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: one_failed, depends_on: [{task_key: good}, {task_key: bad}], run_if: at_least_one_failed, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: all_failed, depends_on: [{task_key: good}, {task_key: bad}], run_if: all_failed, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
          - {task_key: on_success_only, depends_on: [{task_key: good}], run_if: at_least_one_failed, spark_jar_task: {main_class_name: x.T, parameters: [ok]}}
        """,
            Map.of());
    assertThat(launcher.started)
        .containsExactlyInAnyOrder("good", "bad", "one_success", "all_done", "one_failed");
    assertThat(result.task("all_success").resultState()).isEqualTo(ResultState.UPSTREAM_FAILED);
    assertThat(result.task("none_failed").resultState()).isEqualTo(ResultState.UPSTREAM_FAILED);
    assertThat(result.task("all_failed").resultState()).isEqualTo(ResultState.UPSTREAM_FAILED);
    assertThat(result.task("on_success_only").resultState()).isEqualTo(ResultState.EXCLUDED);
    assertThat(result.task("on_success_only").lifeCycleState()).isEqualTo(LifeCycleState.SKIPPED);
    assertThat(result.task("all_done").resultState()).isEqualTo(ResultState.SUCCESS);
    assertThat(result.result()).isEqualTo(ResultState.FAILED);
  }

  @Test
  void passesTaskValuesAndJobParameters() throws IOException {
    JobRunResult result =
        run(
            """
        name: values
        parameters: [{name: table, default: bronze.flights}]
        tasks:
          - {task_key: count, spark_jar_task: {main_class_name: x.T, parameters: ["value:rows=42"]}}
          - task_key: report
            depends_on: [{task_key: count}]
            spark_jar_task:
              main_class_name: x.T
              parameters: [ok, "{{job.parameters.table}}", "{{tasks.count.values.rows}}", "{{job.environment}}"]
        """,
            Map.of("table", "silver.flights"));
    assertThat(result.result()).isEqualTo(ResultState.SUCCESS);
    assertThat(result.task("count").taskValues()).containsEntry("rows", "42");
    assertThat(launcher.arguments.get(1)).containsExactly("ok", "silver.flights", "42", "dev");
    assertThat(result.run().parameters()).containsExactly("table=silver.flights");
  }
}
