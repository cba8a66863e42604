package lakeops.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import lakeops.env.Environment;
import lakeops.jobs.JobSpec.JobCluster;
import lakeops.jobs.JobSpec.TaskSpec;

/**
 * A job as Databricks Jobs API 2.1 settings ({@code POST /api/2.1/jobs/create}): every task a
 * {@code spark_jar_task} with the job jar as library, clusters sized by the spec or the
 * environment's {@code job_cluster}, schedule, table-update trigger and job parameters as they are.
 * LakeOps' {@code {{job.environment}}} becomes the environment's name; alert triggers have no
 * Databricks counterpart and are kept as the tag {@code lakeops_alert_trigger}.
 */
public final class DatabricksExport {

  /** The cluster tasks without a {@code job_cluster_key} get. */
  public static final String DEFAULT_CLUSTER_KEY = "lakeops_default";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Where the job lands on Databricks.
   *
   * @param jarUri the job jar on Databricks (a volume, workspace file or dbfs path)
   * @param sparkVersion the Databricks runtime of the job clusters
   * @param nodeTypeId the node type of the job clusters
   */
  public record Target(String jarUri, String sparkVersion, String nodeTypeId) {

    /** The defaults of {@link JobProperties}. */
    public static Target defaults() {
      return new Target(
          JobProperties.DATABRICKS_JAR_DEFAULT,
          JobProperties.DATABRICKS_SPARK_VERSION_DEFAULT,
          JobProperties.DATABRICKS_NODE_TYPE_DEFAULT);
    }
  }

  private DatabricksExport() {}

  /** The job settings as pretty-printed JSON. */
  public static String toJson(JobSpec job, Environment environment, Target target) {
    try {
      return JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(settings(job, environment, target));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write job settings of " + job.name(), e);
    }
  }

  /** The job settings. */
  public static ObjectNode settings(JobSpec job, Environment environment, Target target) {
    ObjectNode settings = JSON.createObjectNode();
    settings.put("name", job.name());
    if (!job.description().isBlank()) {
      settings.put("description", job.description());
    }
    settings.put("max_concurrent_runs", job.maxConcurrentRuns());
    settings.put("timeout_seconds", job.timeoutSeconds());
    ArrayNode parameters = settings.putArray("parameters");
    job.parameters()
        .forEach((name, value) -> parameters.addObject().put("name", name).put("default", value));
    ArrayNode tasks = settings.putArray("tasks");
    boolean needsDefault = false;
    for (TaskSpec task : job.tasks()) {
      tasks.add(task(task, environment, target));
      needsDefault |= task.jobClusterKey() == null;
    }
    ArrayNode clusters = settings.putArray("job_clusters");
    for (JobCluster cluster : job.jobClusters().values()) {
      clusters.add(cluster(cluster.key(), cluster, environment, target));
    }
    if (needsDefault) {
      clusters.add(cluster(DEFAULT_CLUSTER_KEY, null, environment, target));
    }
    job.schedule()
        .ifPresent(
            schedule ->
                settings
                    .putObject("schedule")
                    .put("quartz_cron_expression", schedule.quartzCronExpression())
                    .put("timezone_id", schedule.timezoneId())
                    .put("pause_status", schedule.paused() ? "PAUSED" : "UNPAUSED"));
    job.trigger()
        .ifPresent(
            trigger -> {
              if (!trigger.tableNames().isEmpty()) {
                ObjectNode node = settings.putObject("trigger");
                node.put("pause_status", trigger.paused() ? "PAUSED" : "UNPAUSED");
                ArrayNode names = node.putObject("table_update").putArray("table_names");
                trigger
                    .tableNames()
                    .forEach(
                        t ->
                            names.add(
                                t.chars().filter(c -> c == '.').count() == 1
                                    ? environment.name() + "." + t
                                    : t));
              } else {
                settings
                    .putObject("tags")
                    .put("lakeops_alert_trigger", String.join(",", trigger.alertNames()));
              }
            });
    return settings;
  }

  private static ObjectNode task(TaskSpec task, Environment environment, Target target) {
    ObjectNode node = JSON.createObjectNode();
    node.put("task_key", task.taskKey());
    if (!task.dependsOn().isEmpty()) {
      ArrayNode depends = node.putArray("depends_on");
      task.dependsOn().forEach(key -> depends.addObject().put("task_key", key));
      node.put("run_if", task.runIf().name());
    }
    node.put(
        "job_cluster_key",
        task.jobClusterKey() == null ? DEFAULT_CLUSTER_KEY : task.jobClusterKey());
    ObjectNode jar = node.putObject("spark_jar_task");
    jar.put("main_class_name", task.mainClass());
    ArrayNode parameters = jar.putArray("parameters");
    task.parameters().forEach(p -> parameters.add(databricksReferences(p, environment)));
    node.putArray("libraries").addObject().put("jar", target.jarUri());
    node.put("max_retries", task.maxRetries());
    node.put("min_retry_interval_millis", task.minRetryIntervalMillis());
    node.put("timeout_seconds", task.timeoutSeconds());
    return node;
  }

  private static String databricksReferences(String parameter, Environment environment) {
    return parameter
        .replaceAll("\\{\\{\\s*job\\.environment\\s*}}", environment.name())
        .replaceAll("\\{\\{\\s*task\\.key\\s*}}", "{{task.name}}")
        .replaceAll("\\{\\{\\s*task\\.attempt\\s*}}", "{{task.execution_count}}");
  }

  private static ObjectNode cluster(
      String key, JobCluster cluster, Environment environment, Target target) {
    Environment.JobClusterSpec defaults = environment.jobCluster();
    int workers =
        cluster != null && cluster.numWorkers() != null
            ? cluster.numWorkers()
            : defaults.workers() == null ? 1 : defaults.workers();
    Map<String, String> conf = new LinkedHashMap<>(environment.spark().conf());
    if (cluster != null) {
      conf.putAll(cluster.sparkConf());
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("job_cluster_key", key);
    ObjectNode newCluster = node.putObject("new_cluster");
    newCluster.put("spark_version", target.sparkVersion());
    newCluster.put("node_type_id", target.nodeTypeId());
    newCluster.put("num_workers", workers);
    ObjectNode sparkConf = newCluster.putObject("spark_conf");
    conf.forEach(sparkConf::put);
    newCluster
        .putObject("spark_env_vars")
        .put("LAKEOPS_ENV", environment.name().toLowerCase(Locale.ROOT));
    return node;
  }
}
