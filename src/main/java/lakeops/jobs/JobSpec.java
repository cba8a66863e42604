package lakeops.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A multi-task job as read from {@code jobs/<name>.yml} and validated, shaped like the Databricks
 * Jobs API: tasks with dependencies, job clusters, a schedule, a trigger and job parameters.
 *
 * @param name the job name (the file name without {@code .yml})
 * @param file the file it was read from
 * @param description what the job does
 * @param tasks the tasks, in file order
 * @param jobClusters the clusters tasks run on, by {@code job_cluster_key}
 * @param parameters job parameters and their defaults, {@code {{job.parameters.<name>}}} in tasks
 * @param schedule the cron schedule, if any
 * @param trigger the table-update or alert trigger, if any
 * @param maxConcurrentRuns runs of this job the scheduler lets overlap
 * @param timeoutSeconds timeout of a whole run, 0 for none
 */
public record JobSpec(
    String name,
    Path file,
    String description,
    List<TaskSpec> tasks,
    Map<String, JobCluster> jobClusters,
    Map<String, String> parameters,
    Optional<Schedule> schedule,
    Optional<Trigger> trigger,
    int maxConcurrentRuns,
    long timeoutSeconds) {

  /** Copies the tasks, clusters and parameters, keeping their order. */
  public JobSpec {
    tasks = List.copyOf(tasks);
    jobClusters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(jobClusters));
    parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
  }

  /** The task called {@code key}. */
  public TaskSpec task(String key) {
    return tasks.stream()
        .filter(t -> t.taskKey().equals(key))
        .findFirst()
        .orElseThrow(() -> JobErrors.noTask(name, key));
  }

  /**
   * One task: what it runs, after which tasks, on which cluster, how often it is retried.
   *
   * @param taskKey unique name of the task in its job
   * @param dependsOn keys of the tasks it runs after
   * @param runIf when it runs, given how its dependencies ended
   * @param jobClusterKey the cluster it runs on, or null for the job's only (or a local) cluster
   * @param mainClass the Java main class spark-submit runs
   * @param parameters its arguments, with {@code {{…}}} references not yet resolved
   * @param maxRetries retries after a failed or timed-out attempt
   * @param minRetryIntervalMillis pause before a retry
   * @param timeoutSeconds timeout of one attempt, 0 for none
   */
  public record TaskSpec(
      String taskKey,
      List<String> dependsOn,
      RunIf runIf,
      String jobClusterKey,
      String mainClass,
      List<String> parameters,
      int maxRetries,
      long minRetryIntervalMillis,
      long timeoutSeconds) {

    /** Copies the lists. */
    public TaskSpec {
      dependsOn = List.copyOf(dependsOn);
      parameters = List.copyOf(parameters);
    }
  }

  /** How a job cluster runs: in the task's own JVM, or as an ephemeral standalone cluster. */
  public enum ClusterKind {
    LOCAL,
    STANDALONE
  }

  /**
   * A job cluster. Sizes left out come from the environment's {@code job_cluster}.
   *
   * @param key the {@code job_cluster_key}
   * @param kind local or standalone
   * @param numWorkers workers, or null for the environment's
   * @param coresPerWorker cores per worker, or null for the environment's
   * @param memoryPerWorker memory per worker, or null for the environment's
   * @param sparkConf Spark settings of every task on this cluster
   */
  public record JobCluster(
      String key,
      ClusterKind kind,
      Integer numWorkers,
      Integer coresPerWorker,
      String memoryPerWorker,
      Map<String, String> sparkConf) {

    /** Copies the Spark settings, keeping their order. */
    public JobCluster {
      sparkConf =
          sparkConf == null
              ? Map.of()
              : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sparkConf));
    }
  }

  /**
   * A Quartz cron schedule.
   *
   * @param quartzCronExpression seconds, minutes, hours, day of month, month, day of week[, year]
   * @param timezoneId the time zone the expression is read in
   * @param paused whether the schedule is paused
   */
  public record Schedule(String quartzCronExpression, String timezoneId, boolean paused) {}

  /**
   * Starts a run when a table changes or an alert fires.
   *
   * @param tableNames tables whose new Delta versions start a run ({@code schema.table} in the
   *     run's environment, or a three-part name)
   * @param alertNames alerts whose new rows in {@code <env>.monitoring.alerts} start a run
   * @param paused whether the trigger is paused
   */
  public record Trigger(List<String> tableNames, List<String> alertNames, boolean paused) {
    /** Copies the lists. */
    public Trigger {
      tableNames = List.copyOf(tableNames);
      alertNames = List.copyOf(alertNames);
    }
  }
}
