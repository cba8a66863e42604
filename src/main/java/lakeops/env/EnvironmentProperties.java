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
}
