package lakeops.session;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import lakeops.access.AccessControl;
import lakeops.access.AccessProperties;
import lakeops.catalog.CatalogProperties;
import lakeops.catalog.DeltaLogStores;
import lakeops.catalog.EnvironmentCatalog;
import lakeops.env.Environment;
import lakeops.env.Environment.S3Settings;
import lakeops.env.EnvironmentProperties;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.InvalidConfigException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that turns an environment into a Spark session. Builds the {@link SparkSession} of
 * an environment: Delta, one catalog per environment it may see, {@code conf/spark-defaults.conf},
 * the environment's overrides, and quiet logging.
 *
 * <p>Precedence, lowest first: {@code conf/spark-defaults.conf}, the environment's {@code
 * spark.conf}, then anything spark-submit set (so a cluster's {@code --master} wins). The catalog
 * wiring is never overridden.
 */
public final class SessionFactory {

  /**
   * Session conf key holding the environment a session belongs to (as the access layer names it).
   */
  private static final String ENVIRONMENT_CONF = AccessProperties.ENVIRONMENT;

  /** Session conf key holding the project folder the session was built from. */
  public static final String HOME_CONF = "spark.lakeops.home";

  private static final String EXTENSIONS = "spark.sql.extensions";
  private static final String HADOOP_PREFIX = "spark.hadoop.";
  private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  private static final String DELTA_LOG_STORE_PREFIX = "spark.delta.logStore.";
  private static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private SessionFactory() {}

  /** The session of environment {@code name} of the current project, created if needed. */
  public static SparkSession create(String name) {
    return create(Environments.load(LakeOpsHome.current()), name);
  }

  /**
   * The session of environment {@code name} among {@code environments}: the JVM's running session
   * if it is that environment's, else a new one (on the running SparkContext, if there is one).
   */
  public static SparkSession create(Environments environments, String name) {
    Environment env = environments.get(name);
    LakeOpsLogging.configure(environments.home());
    SparkSession running = runningSession();
    if (running != null) {
      // Never the builder here: getOrCreate() would rewrite the running session's catalogs.
      SparkSession session =
          isOf(running, environments, env) ? running : newSession(running, environments, name);
      SparkSession.setActiveSession(session);
      return session;
    }
    SparkConf submitted = new SparkConf(true);
    Map<String, String> conf = sparkConf(environments, env);
    org.apache.spark.sql.classic.SparkSession.Builder builder =
        org.apache.spark.sql.classic.SparkSession.builder().appName("lakeops-" + env.name());
    conf.forEach(
        (key, value) -> {
          if (key.equals(EXTENSIONS)) {
            builder.config(key, withSubmitted(submitted.get(key, ""), value));
          } else if (!submitted.contains(key) || isWiring(key)) {
            builder.config(key, value);
          }
        });
    builder.withExtensions(sessionExtension(environments, env, conf));
    return builder.getOrCreate();
  }

  /** The calling thread's active session, else the JVM's default one, if its context runs. */
  private static SparkSession runningSession() {
    SparkSession session =
        SparkSession.getActiveSession()
            .getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
    return session == null || session.sparkContext().isStopped() ? null : session;
  }

  private static boolean isOf(SparkSession session, Environments environments, Environment env) {
    return AccessControl.environment(session).equals(env.name())
        && environments.home().root().toString().equals(session.conf().get(HOME_CONF, null));
  }

  /**
   * A new session of environment {@code name} on the SparkContext of {@code base}, bound to that
   * environment's policy, catalogs and default catalog; catalogs it may not see are removed.
   * Sessions of several environments can so share one JVM; the SparkContext's own Hadoop conf then
   * carries the most restrictive of their policies.
   */
  public static SparkSession newSession(SparkSession base, Environments environments, String name) {
    Environment env = environments.get(name);
    org.apache.spark.sql.classic.SparkSession session =
        org.apache.spark.sql.classic.SparkSession.builder()
            .sparkContext(base.sparkContext())
            .withExtensions(sessionExtension(environments, env, sparkConf(environments, env)))
            .create();
    // Building the parser gives the session its environment's settings now, not at its first query.
    session.sessionState().sqlParser();
    return session;
  }

  /** The access extension of {@code env}'s sessions, with the settings that wire them. */
  private static scala.Function1<
          org.apache.spark.sql.SparkSessionExtensions, scala.runtime.BoxedUnit>
      sessionExtension(Environments environments, Environment env, Map<String, String> conf) {
    Map<String, String> wiring = new LinkedHashMap<>();
    conf.forEach(
        (key, value) -> {
          if (isWiring(key) || key.startsWith(DELTA_LOG_STORE_PREFIX)) {
            wiring.put(key, value);
          } else if (key.startsWith(HADOOP_PREFIX + "fs.") && key.endsWith(".impl")
              || key.endsWith(".impl.disable.cache")
              || key.startsWith(HADOOP_PREFIX + "fs.s3a.")) {
            // File-system classes and S3 settings in the session's own conf too, so each of its
            // Hadoop confs has them even on a SparkContext started without them.
            wiring.put(key.substring(HADOOP_PREFIX.length()), value);
          }
        });
    java.util.Set<String> removed = new java.util.LinkedHashSet<>();
    for (String catalog : environments.all().keySet()) {
      if (!env.visibleCatalogs().contains(catalog)) {
        removed.add("spark.sql.catalog." + catalog);
        removed.add("spark.sql.catalog." + catalog + "." + CatalogProperties.ROOT);
      }
    }
    return AccessControl.sessionExtension(environments, env, wiring, removed);
  }

  /** Every Spark setting LakeOps gives an environment's session, before spark-submit's. */
  public static Map<String, String> sparkConf(Environments environments, Environment env) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(
        "spark.master",
        env.spark().master() == null ? EnvironmentProperties.MASTER_DEFAULT : env.spark().master());
    conf.putAll(sparkDefaults(environments.home()));
    conf.putAll(env.spark().conf());
    conf.put(
        "spark.sql.warehouse.dir",
        environments
            .home()
            .lakehouseDir()
            .resolve("_spark")
            .resolve("warehouse")
            .toUri()
            .toString());
    conf.putAll(s3Conf(env.storage().s3()));
    conf.putAll(DeltaLogStores.sparkConf(env));
    conf.putAll(AccessControl.sparkConf(environments, env));
    conf.put(EXTENSIONS, DELTA_EXTENSION + "," + AccessProperties.EXTENSION);
    conf.put("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
    for (String catalog : env.visibleCatalogs()) {
      conf.put("spark.sql.catalog." + catalog, EnvironmentCatalog.class.getName());
      conf.put(
          "spark.sql.catalog." + catalog + "." + CatalogProperties.ROOT,
          environments.storageRoot(catalog));
    }
    conf.put("spark.sql.defaultCatalog", env.name());
    conf.put(ENVIRONMENT_CONF, env.name());
    conf.put(HOME_CONF, environments.home().root().toString());
    return conf;
  }

  /** Submitted extensions are kept, and LakeOps' own (Delta, access control) always added. */
  private static String withSubmitted(String submitted, String own) {
    java.util.Set<String> all = new java.util.LinkedHashSet<>();
    for (String extension : (submitted + "," + own).split(",")) {
      if (!extension.isBlank()) {
        all.add(extension.strip());
      }
    }
    return String.join(",", all);
  }

  /** The settings that make a session its environment's: catalogs, access, environment, home. */
  private static boolean isWiring(String key) {
    return key.startsWith("spark.sql.catalog.")
        || key.equals("spark.sql.defaultCatalog")
        || key.startsWith(AccessProperties.PREFIX)
        || key.equals(ENVIRONMENT_CONF)
        || key.equals(HOME_CONF);
  }

  private static Map<String, String> sparkDefaults(LakeOpsHome home) {
    Path file = home.root().resolve(EnvironmentProperties.SPARK_DEFAULTS_FILE);
    Map<String, String> conf = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return conf;
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidConfigException(
          "Invalid Spark defaults file " + file + ": " + e.getMessage(), e);
    }
    properties.stringPropertyNames().stream()
        .sorted()
        .forEach(key -> conf.put(key, properties.getProperty(key).strip()));
    return conf;
  }

  private static Map<String, String> s3Conf(S3Settings s3) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (s3 == null) {
      return conf;
    }
    putIfSet(conf, "spark.hadoop.fs.s3a.endpoint", s3.endpoint());
    putIfSet(conf, "spark.hadoop.fs.s3a.endpoint.region", s3.region());
    // This environment's read-write credentials are its defaults for s3a:// paths outside the
    // environments' buckets (landing folders); each bucket gets its own (AccessControl).
    s3.credentials(true)
        .ifPresent(
            credentials -> {
              conf.put("spark.hadoop.fs.s3a.access.key", credentials.accessKey());
              conf.put("spark.hadoop.fs.s3a.secret.key", credentials.secretKey());
            });
    if (s3.pathStyleAccess() != null) {
      conf.put("spark.hadoop.fs.s3a.path.style.access", s3.pathStyleAccess().toString());
    }
    return conf;
  }

  private static void putIfSet(Map<String, String> conf, String key, String value) {
    if (value != null && !value.isBlank()) {
      conf.put(key, value);
    }
  }
}
