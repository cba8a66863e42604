package lakeops.env;

/**
 * Every setting name of the environments area with its default. YAML keys of {@code
 * environments/*.yml} are documented in {@code environments/README.md}.
 */
public final class EnvironmentProperties {

  private EnvironmentProperties() {}

  /** System property naming the project folder. */
  public static final String HOME_PROPERTY = "lakeops.home";

  /**
   * System property naming the LakeOps installation (scripts, launcher), when apart from the home.
   */
  public static final String INSTALL_PROPERTY = "lakeops.install";

  /** Environment variable naming the project folder, used when the system property is unset. */
  public static final String HOME_ENV = "LAKEOPS_HOME";

  /**
   * System property naming the folder of environment files, relative to the home (a variant such as
   * {@code environments/s3}); the environment variable {@value #ENVIRONMENTS_ENV} is used when it
   * is unset, then {@value #ENVIRONMENTS_DEFAULT}.
   */
  public static final String ENVIRONMENTS_PROPERTY = "lakeops.environments";

  /** Environment variable naming the folder of environment files, relative to the home. */
  public static final String ENVIRONMENTS_ENV = "LAKEOPS_ENVIRONMENTS";

  /** The folder of environment files when none is named. */
  public static final String ENVIRONMENTS_DEFAULT = "environments";

  /** The variant of the environment files whose roots are buckets of the local S3 server. */
  public static final String ENVIRONMENTS_S3 = "environments/s3";

  /** Environment variable selecting the environment when {@code --env} is not given. */
  public static final String ENV_ENV = "LAKEOPS_ENV";

  /** The environment used when none is named. */
  public static final String ENV_DEFAULT = "dev";

  /** Spark master when neither spark-submit nor the environment sets one. */
  public static final String MASTER_DEFAULT = "local[*]";

  /** Spark-format defaults shared by every environment, relative to the home. */
  public static final String SPARK_DEFAULTS_FILE = "conf/spark-defaults.conf";

  /** log4j2 configuration used by every LakeOps process, relative to the home. */
  public static final String LOG4J2_FILE = "conf/log4j2.properties";

  /** Schemas every environment catalog is provisioned with. */
  public static final java.util.List<String> STANDARD_SCHEMAS =
      java.util.List.of("bronze", "silver", "gold", "features", "ml", "monitoring", "lakeops");

  /** Memory of a job-cluster worker when the environment does not say. */
  public static final String WORKER_MEMORY_DEFAULT = "1g";

  /**
   * Delta log store of an {@code s3a://} root (key {@code storage.s3.log_store}): Delta's default
   * S3 log store, safe when one Spark driver at a time writes a table.
   */
  public static final String S3_LOG_STORE_SINGLE_WRITER = "single-writer";

  /**
   * Delta log store of an {@code s3a://} root: commits are S3 conditional writes ({@code
   * If-None-Match: *}), safe with concurrent writers on servers that support them.
   */
  public static final String S3_LOG_STORE_CONDITIONAL_WRITES = "conditional-writes";

  /**
   * Delta log store of an {@code s3a://} root: Delta's DynamoDB-backed {@code S3DynamoDBLogStore},
   * safe with concurrent writers; needs {@code io.delta:delta-storage-s3-dynamodb} on the
   * classpath.
   */
  public static final String S3_LOG_STORE_DYNAMODB = "dynamodb";

  /** Delta log store of an {@code s3a://} root when the environment does not say. */
  public static final String S3_LOG_STORE_DEFAULT = S3_LOG_STORE_SINGLE_WRITER;

  /** The log stores {@code storage.s3.log_store} accepts. */
  public static final java.util.List<String> S3_LOG_STORES =
      java.util.List.of(
          S3_LOG_STORE_SINGLE_WRITER, S3_LOG_STORE_CONDITIONAL_WRITES, S3_LOG_STORE_DYNAMODB);

  /** Keys of {@code storage.s3} whose values are secrets: each must be a {@code ${VAR}}. */
  public static final java.util.List<String> S3_SECRET_KEYS =
      java.util.List.of(
          "storage.s3.access_key",
          "storage.s3.secret_key",
          "storage.s3.read_only_access_key",
          "storage.s3.read_only_secret_key");
}
