package lakeops.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import lakeops.config.YamlConfig;
import lakeops.exceptions.InvalidConfigException;
import lakeops.jobs.JobSpec.ClusterKind;
import lakeops.jobs.JobSpec.JobCluster;
import lakeops.jobs.JobSpec.Schedule;
import lakeops.jobs.JobSpec.TaskSpec;
import lakeops.jobs.JobSpec.Trigger;

/**
 * Reads one {@code jobs/<name>.yml}: strict keys, defaults from {@link JobProperties}, and
 * validation (unknown dependencies, cycles, bad cron, unknown references). Every error names the
 * file and key.
 */
final class JobSpecLoader {

  /** What job files are called in their errors. */
  static final String KIND = "job";

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final Pattern MEMORY = Pattern.compile("[0-9]+[kmgtKMGT]?");

  JobSpec load(Path file) {
    YamlConfig config = YamlConfig.of(file, KIND);
    JsonNode tree = config.readMapping("name, tasks, job_clusters, schedule, trigger");
    return validate(file, config.bind(tree, JobFile.class));
  }

  private JobSpec validate(Path file, JobFile raw) {
    String expectedName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    require(file, "name", raw.name() != null && !raw.name().isBlank(), "is missing");
    require(
        file,
        "name",
        raw.name().equals(expectedName),
        "'" + raw.name() + "' must match the file name '" + expectedName + "'");
    require(
        file,
        "tasks",
        raw.tasks() != null && !raw.tasks().isEmpty(),
        "must list at least one task");
    Map<String, JobCluster> clusters = clusters(file, raw.jobClusters());
    Map<String, String> parameters = parameters(file, raw.parameters());
    List<TaskSpec> tasks = new ArrayList<>();
    for (int i = 0; i < raw.tasks().size(); i++) {
      tasks.add(task(file, "tasks[" + i + "]", raw.tasks().get(i), clusters));
    }
    int maxConcurrent =
        raw.maxConcurrentRuns() == null
            ? JobProperties.MAX_CONCURRENT_RUNS_DEFAULT
            : raw.maxConcurrentRuns();
    require(
        file,
        "max_concurrent_runs",
        maxConcurrent >= 1,
        "must be at least 1, got " + maxConcurrent);
    long timeout = raw.timeoutSeconds() == null ? 0 : raw.timeoutSeconds();
    require(file, "timeout_seconds", timeout >= 0, "must be 0 (none) or more, got " + timeout);
    JobSpec spec =
        new JobSpec(
            raw.name(),
            file,
            raw.description() == null ? "" : raw.description(),
            tasks,
            clusters,
            parameters,
            schedule(file, raw.schedule()),
            trigger(file, raw.trigger()),
            maxConcurrent,
            timeout);
    JobGraph.of(spec);
    References.check(spec);
    return spec;
  }

  private TaskSpec task(Path file, String key, TaskFile raw, Map<String, JobCluster> clusters) {
    require(file, key, raw != null, "is empty");
    require(
        file,
        key + ".task_key",
        raw.taskKey() != null && NAME.matcher(raw.taskKey()).matches(),
        "'" + raw.taskKey() + "' must be a name of letters, digits, '_' and '-'");
    key = key + " (" + raw.taskKey() + ")";
    List<String> dependsOn = new ArrayList<>();
    if (raw.dependsOn() != null) {
      for (Dependency dependency : raw.dependsOn()) {
        require(
            file,
            key + ".depends_on",
            dependency != null && dependency.taskKey() != null,
            "entries must be mappings with a task_key");
        dependsOn.add(dependency.taskKey());
      }
    }
    RunIf runIf = raw.runIf() == null ? RunIf.ALL_SUCCESS : RunIf.parse(raw.runIf());
    require(
        file,
        key + ".run_if",
        runIf != null,
        "'"
            + raw.runIf()
            + "' is not one of all_success, at_least_one_success, none_failed, all_done, at_least_one_failed, all_failed");
    require(
        file,
        key,
        (raw.sparkJarTask() == null) != (raw.lakeopsTask() == null),
        "must have exactly one of spark_jar_task and lakeops_task");
    String mainClass;
    List<String> parameters = new ArrayList<>();
    if (raw.sparkJarTask() != null) {
      mainClass = raw.sparkJarTask().mainClassName();
      require(
          file,
          key + ".spark_jar_task.main_class_name",
          mainClass != null && mainClass.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*"),
          "'" + mainClass + "' must be a Java class name");
      if (raw.sparkJarTask().parameters() != null) {
        parameters.addAll(raw.sparkJarTask().parameters());
      }
    } else {
      mainClass = JobProperties.LAKEOPS_MAIN_CLASS;
      String command = raw.lakeopsTask().command();
      require(
          file,
          key + ".lakeops_task.command",
          command != null && !command.isBlank(),
          "is missing (a LakeOps command such as 'sql')");
      parameters.addAll(List.of(command.strip().split("\\s+")));
      parameters.add("--env");
      parameters.add("{{job.environment}}");
      if (raw.lakeopsTask().parameters() != null) {
        parameters.addAll(raw.lakeopsTask().parameters());
      }
    }
    require(
        file,
        key + ".parameters",
        parameters.stream().allMatch(p -> p != null),
        "must not hold nulls");
    String cluster = raw.jobClusterKey();
    require(
        file,
        key + ".job_cluster_key",
        cluster == null || clusters.containsKey(cluster),
        "'"
            + cluster
            + "' is no job cluster (known: "
            + String.join(", ", clusters.keySet())
            + ")");
    if (cluster == null && clusters.size() == 1) {
      cluster = clusters.keySet().iterator().next();
    }
    int retries = raw.maxRetries() == null ? JobProperties.MAX_RETRIES_DEFAULT : raw.maxRetries();
    require(file, key + ".max_retries", retries >= 0, "must be 0 or more, got " + retries);
    long interval =
        raw.minRetryIntervalMillis() == null
            ? JobProperties.MIN_RETRY_INTERVAL_MILLIS_DEFAULT
            : raw.minRetryIntervalMillis();
    require(
        file,
        key + ".min_retry_interval_millis",
        interval >= 0,
        "must be 0 or more, got " + interval);
    long timeout =
        raw.timeoutSeconds() == null ? JobProperties.TIMEOUT_SECONDS_DEFAULT : raw.timeoutSeconds();
    require(
        file, key + ".timeout_seconds", timeout >= 0, "must be 0 (none) or more, got " + timeout);
    return new TaskSpec(
        raw.taskKey(),
        dependsOn,
        runIf,
        cluster,
        mainClass,
        parameters,
        retries,
        interval,
        timeout);
  }

  private Map<String, JobCluster> clusters(Path file, List<ClusterFile> raw) {
    Map<String, JobCluster> clusters = new LinkedHashMap<>();
    if (raw == null) {
      return clusters;
    }
    for (int i = 0; i < raw.size(); i++) {
      String key = "job_clusters[" + i + "]";
      ClusterFile cluster = raw.get(i);
      require(
          file,
          key + ".job_cluster_key",
          cluster != null
              && cluster.jobClusterKey() != null
              && NAME.matcher(cluster.jobClusterKey()).matches(),
          "is missing or not a name");
      require(
          file,
          key + ".job_cluster_key",
          !clusters.containsKey(cluster.jobClusterKey()),
          "'" + cluster.jobClusterKey() + "' is used twice");
      NewCluster spec =
          cluster.newCluster() == null
              ? new NewCluster(null, null, null, null, null)
              : cluster.newCluster();
      ClusterKind kind = spec.kind() == null ? ClusterKind.LOCAL : kind(spec.kind());
      require(
          file,
          key + ".new_cluster.kind",
          kind != null,
          "'" + spec.kind() + "' must be local or standalone");
      require(
          file,
          key + ".new_cluster.num_workers",
          spec.numWorkers() == null || spec.numWorkers() >= 1,
          "must be at least 1, got " + spec.numWorkers());
      require(
          file,
          key + ".new_cluster.cores_per_worker",
          spec.coresPerWorker() == null || spec.coresPerWorker() >= 1,
          "must be at least 1, got " + spec.coresPerWorker());
      require(
          file,
          key + ".new_cluster.memory_per_worker",
          spec.memoryPerWorker() == null || MEMORY.matcher(spec.memoryPerWorker()).matches(),
          "'" + spec.memoryPerWorker() + "' must be a size such as 512m or 2g");
      clusters.put(
          cluster.jobClusterKey(),
          new JobCluster(
              cluster.jobClusterKey(),
              kind,
              spec.numWorkers(),
              spec.coresPerWorker(),
              spec.memoryPerWorker(),
              spec.sparkConf()));
    }
    return clusters;
  }

  private static ClusterKind kind(String name) {
    try {
      return ClusterKind.valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Map<String, String> parameters(Path file, List<ParameterFile> raw) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (raw == null) {
      return parameters;
    }
    for (int i = 0; i < raw.size(); i++) {
      ParameterFile parameter = raw.get(i);
      String key = "parameters[" + i + "]";
      require(
          file,
          key + ".name",
          parameter != null && parameter.name() != null && NAME.matcher(parameter.name()).matches(),
          "is missing or not a name");
      require(
          file,
          key + ".default",
          parameter.defaultValue() != null,
          "is missing (job parameters need a default, as in Databricks)");
      parameters.put(parameter.name(), parameter.defaultValue());
    }
    return parameters;
  }

  private Optional<Schedule> schedule(Path file, ScheduleFile raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String zone = raw.timezoneId() == null ? JobProperties.TIMEZONE_DEFAULT : raw.timezoneId();
    require(
        file,
        "schedule.timezone_id",
        isZone(zone),
        "'" + zone + "' is not a time zone (such as UTC or Europe/Paris)");
    String expression = raw.quartzCronExpression();
    require(
        file,
        "schedule.quartz_cron_expression",
        expression != null && !expression.isBlank(),
        "is missing (a Quartz expression such as '0 0 3 * * ?')");
    Schedule schedule = new Schedule(expression, zone, paused(file, "schedule", raw.pauseStatus()));
    try {
      CronSchedule.of(schedule);
    } catch (InvalidConfigException e) {
      throw invalidKey(file, "schedule.quartz_cron_expression", e.getMessage());
    }
    return Optional.of(schedule);
  }

  private static boolean isZone(String zone) {
    try {
      java.time.ZoneId.of(zone);
      return true;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  private Optional<Trigger> trigger(Path file, TriggerFile raw) {
    if (raw == null) {
      return Optional.empty();
    }
    List<String> tables =
        raw.tableUpdate() == null || raw.tableUpdate().tableNames() == null
            ? List.of()
            : raw.tableUpdate().tableNames();
    List<String> alerts =
        raw.alert() == null || raw.alert().alertNames() == null
            ? List.of()
            : raw.alert().alertNames();
    require(
        file,
        "trigger",
        tables.isEmpty() != alerts.isEmpty(),
        "must have exactly one of table_update.table_names and alert.alert_names");
    for (String table : tables) {
      require(
          file,
          "trigger.table_update.table_names",
          table != null && table.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){1,2}"),
          "'" + table + "' must be schema.table or catalog.schema.table");
    }
    return Optional.of(new Trigger(tables, alerts, paused(file, "trigger", raw.pauseStatus())));
  }

  private static boolean paused(Path file, String key, String status) {
    if (status == null) {
      return false;
    }
    String upper = status.strip().toUpperCase(Locale.ROOT);
    require(
        file,
        key + ".pause_status",
        upper.equals("PAUSED") || upper.equals("UNPAUSED"),
        "'" + status + "' must be PAUSED or UNPAUSED");
    return upper.equals("PAUSED");
  }

  private static void require(Path file, String key, boolean condition, String problem) {
    YamlConfig.of(file, KIND).require(key, condition, problem);
  }

  private static InvalidConfigException invalidKey(Path file, String key, String message) {
    return YamlConfig.of(file, KIND).invalidKey(key, message);
  }

  /** The file as written, before validation and defaults. */
  record JobFile(
      String name,
      String description,
      List<TaskFile> tasks,
      List<ClusterFile> jobClusters,
      List<ParameterFile> parameters,
      ScheduleFile schedule,
      TriggerFile trigger,
      Integer maxConcurrentRuns,
      Long timeoutSeconds) {}

  record TaskFile(
      String taskKey,
      String description,
      List<Dependency> dependsOn,
      String runIf,
      String jobClusterKey,
      SparkJarTaskFile sparkJarTask,
      LakeOpsTaskFile lakeopsTask,
      Integer maxRetries,
      Long minRetryIntervalMillis,
      Long timeoutSeconds) {}

  record Dependency(String taskKey) {}

  record SparkJarTaskFile(String mainClassName, List<String> parameters) {}

  record LakeOpsTaskFile(String command, List<String> parameters) {}

  record ClusterFile(String jobClusterKey, NewCluster newCluster) {}

  record NewCluster(
      String kind,
      Integer numWorkers,
      Integer coresPerWorker,
      String memoryPerWorker,
      Map<String, String> sparkConf) {}

  record ParameterFile(
      String name, @com.fasterxml.jackson.annotation.JsonProperty("default") String defaultValue) {}

  record ScheduleFile(String quartzCronExpression, String timezoneId, String pauseStatus) {}

  record TriggerFile(String pauseStatus, TableUpdateFile tableUpdate, AlertFile alert) {}

  record TableUpdateFile(List<String> tableNames) {}

  record AlertFile(List<String> alertNames) {}
}
