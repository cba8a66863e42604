package lakeops.jobs;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a job's DAG: tasks in dependency order, independent tasks in parallel, each attempt its own
 * {@code spark-submit} process, with retries, timeouts and {@code run_if}, on the job clusters
 * started for the run. {@link Jobs#runner} gives the runner of an environment.
 *
 * <pre>{@code
 * JobRunResult result = Jobs.runner(home, environment, null)
 *     .run(JobSpecs.load(file), RunRequest.manual("staging", Map.of()), listener);
 * }</pre>
 *
 * <p>The run's result is SUCCESS when no task failed, timed out, was canceled or skipped for a
 * failed upstream task; TIMEDOUT when the job's own timeout ran out; FAILED otherwise.
 */
public final class JobRunner {

  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TaskLauncher launcher;
  private final ClusterProvider clusters;
  private final Path stateDir;
  private final int maxParallelTasks;
  private final Clock clock;

  /**
   * A runner that launches tasks with {@code launcher} on {@code clusters} and keeps task logs and
   * values under {@code stateDir} (tests give their own launcher and clusters).
   */
  JobRunner(TaskLauncher launcher, ClusterProvider clusters, Path stateDir) {
    this(launcher, clusters, stateDir, JobProperties.MAX_PARALLEL_TASKS_DEFAULT, Clock.systemUTC());
  }

  private JobRunner(
      TaskLauncher launcher,
      ClusterProvider clusters,
      Path stateDir,
      int maxParallelTasks,
      Clock clock) {
    if (maxParallelTasks < 1) {
      throw JobErrors.badMaxParallelTasks(maxParallelTasks);
    }
    this.launcher = launcher;
    this.clusters = clusters;
    this.stateDir = stateDir;
    this.maxParallelTasks = maxParallelTasks;
    this.clock = clock;
  }

  /** The same runner with at most {@code tasks} tasks of a run at the same time. */
  public JobRunner withMaxParallelTasks(int tasks) {
    return new JobRunner(launcher, clusters, stateDir, tasks, clock);
  }

  /** Runs {@code job} to its end, telling {@code listener} of every state change. */
  public JobRunResult run(JobSpec job, RunRequest request, RunListener listener) {
    Map<String, String> parameters = resolveParameters(job, request.parameters());
    String runId = newRunId();
    JobRunExecution execution =
        new JobRunExecution(
            job,
            request,
            parameters,
            runId,
            stateDir.resolve("runs").resolve(runId),
            launcher,
            clusters,
            listener,
            clock,
            maxParallelTasks);
    return execution.execute();
  }

  /** The spec's defaults overridden by {@code overrides}, which must all be declared parameters. */
  public static Map<String, String> resolveParameters(JobSpec job, Map<String, String> overrides) {
    Map<String, String> parameters = new LinkedHashMap<>(job.parameters());
    overrides.forEach(
        (name, value) -> {
          if (!job.parameters().containsKey(name)) {
            throw JobErrors.undeclaredOverride(job, name);
          }
          parameters.put(name, value);
        });
    return parameters;
  }

  private String newRunId() {
    byte[] random = new byte[3];
    RANDOM.nextBytes(random);
    return RUN_ID_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(random);
  }

  /** Parses {@code k=v} command-line parameters. */
  public static Map<String, String> parseParameters(List<String> pairs) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : pairs) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw JobErrors.badParameterPair(pair);
      }
      parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return parameters;
  }
}
