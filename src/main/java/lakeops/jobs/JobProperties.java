package lakeops.jobs;

import java.time.Duration;

/**
 * Every setting name and default of the jobs area. YAML keys of {@code jobs/*.yml} are documented
 * in {@code jobs/README.md}.
 */
public final class JobProperties {

  private JobProperties() {}

  /** Folder of job specs, relative to the home. */
  public static final String JOBS_DIR = "jobs";

  /** Schema of the run history in every environment catalog. */
  public static final String RUNS_SCHEMA = "lakeops";

  /** Table of the run history: {@code <env>.lakeops.job_runs}. */
  public static final String RUNS_TABLE = "job_runs";

  /** Schema of the alerts table the monitoring step writes. */
  public static final String ALERTS_SCHEMA = "monitoring";

  /**
   * Table the monitoring step ({@code lakeops.monitoring}) appends fired alerts to: {@code
   * <env>.monitoring.alerts}; alert triggers read its {@code alert_name} and {@code fired_at}.
   */
  public static final String ALERTS_TABLE = "alerts";

  /** Retries of a task when its spec does not say (Databricks: 0). */
  public static final int MAX_RETRIES_DEFAULT = 0;

  /** Pause between two attempts of a task when its spec does not say. */
  public static final long MIN_RETRY_INTERVAL_MILLIS_DEFAULT = 0;

  /** Task timeout when the spec does not say: 0, no timeout. */
  public static final long TIMEOUT_SECONDS_DEFAULT = 0;

  /** Concurrent runs of one job the scheduler allows when the spec does not say (Databricks: 1). */
  public static final int MAX_CONCURRENT_RUNS_DEFAULT = 1;

  /** Time zone of a schedule that names none. */
  public static final String TIMEZONE_DEFAULT = "UTC";

  /** Tasks of one run that run at the same time, at most (each is a spark-submit JVM). */
  public static final int MAX_PARALLEL_TASKS_DEFAULT = 4;

  /** The main class of {@code lakeops_task}s: the LakeOps command line. */
  public static final String LAKEOPS_MAIN_CLASS = "lakeops.cli.LakeOps";

  /** Spark's own spark-submit, run as a Java main class from the Spark jars. */
  public static final String SPARK_SUBMIT_CLASS = "org.apache.spark.deploy.SparkSubmit";

  /** Spark's standalone master class. */
  public static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";

  /** Spark's standalone worker class. */
  public static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";

  /** The job jar, relative to the LakeOps installation. */
  public static final String JOB_JAR = "target/lakeops-jobs.jar";

  /** Classpath file of the Spark, Delta and Hadoop jars, relative to the LakeOps installation. */
  public static final String CLASSPATH_FILE = "target/lakeops-classpath.txt";

  /** JVM options Spark needs on Java 17, relative to the LakeOps installation. */
  public static final String JVM_OPTIONS_FILE = "target/classes/lakeops-jvm-options.txt";

  /** Spark's property of the driver's JVM options, which the driver of a task is started with. */
  public static final String DRIVER_JAVA_OPTIONS_CONF = "spark.driver.extraJavaOptions";

  /** Heap of a task's driver (the spark-submit JVM). */
  public static final String DRIVER_MEMORY_DEFAULT = "1g";

  /** Heap of the standalone master and worker daemons. */
  public static final String DAEMON_MEMORY = "256m";

  /** Loopback address every ephemeral cluster process binds. */
  public static final String LOOPBACK = "127.0.0.1";

  /** How long an ephemeral cluster may take to have all its workers registered. */
  public static final Duration CLUSTER_START_TIMEOUT = Duration.ofSeconds(120);

  /** Environment variable naming the file a task writes its task values to. */
  public static final String TASK_VALUES_ENV = "LAKEOPS_TASK_VALUES_FILE";

  /**
   * Environment variable holding the job run id, for tasks that record it (training tags its MLflow
   * run).
   */
  public static final String JOB_RUN_ID_ENV = "LAKEOPS_JOB_RUN_ID";

  /**
   * Local run state (task logs, task values, scheduler state), under the home's {@code .lakehouse}.
   */
  public static final String STATE_DIR = "_jobs";

  /** How often the scheduler looks at schedules and triggers. */
  public static final Duration SCHEDULER_TICK = Duration.ofSeconds(10);

  /**
   * Environments whose schedules and triggers are paused unless asked otherwise (development mode).
   */
  public static final java.util.Set<String> PAUSED_ENVIRONMENTS = java.util.Set.of("dev");

  /** Databricks runtime of exported job clusters (Spark 4, Scala 2.13). */
  public static final String DATABRICKS_SPARK_VERSION_DEFAULT = "17.3.x-scala2.13";

  /** Node type of exported job clusters. */
  public static final String DATABRICKS_NODE_TYPE_DEFAULT = "i3.xlarge";

  /** Where the exported job expects the job jar. */
  public static final String DATABRICKS_JAR_DEFAULT =
      "/Volumes/main/lakeops/artifacts/lakeops-jobs.jar";
}
