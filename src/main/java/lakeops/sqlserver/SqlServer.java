package lakeops.sqlserver;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lakeops.access.AccessControl;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL endpoint of an environment: Spark Connect's server on the SparkContext of the
 * environment's session, whose every client session is a new session derived from that one, so the
 * environment's catalogs, default catalog and access policy hold for each client. Stops on {@link
 * #close()} and on SIGTERM or Ctrl-C, letting the queries in flight finish.
 *
 * <pre>{@code
 * SparkSession spark = SessionFactory.create("prod");
 * try (SqlServer server = SqlServer.start(spark, SqlServerSpec.builder().build())) {
 *   server.awaitClose();   // clients: pyspark --remote sc://127.0.0.1:15002
 * }
 * }</pre>
 *
 * <p>Spark Connect's service is one per JVM and keeps the base session it was first started with,
 * so a JVM serves one environment: a second endpoint, or one of another environment after a stop,
 * is refused.
 */
public final class SqlServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqlServer.class);

  private static final String BINDING_ADDRESS = "spark.connect.grpc.binding.address";
  private static final String BINDING_PORT = "spark.connect.grpc.binding.port";
  private static final String PORT_RETRIES = "spark.connect.grpc.port.maxRetries";
  private static final String TOKEN = "spark.connect.authenticate.token";

  /** Runs before Spark's own hooks (which stop the SparkContext at Hadoop priority 40). */
  private static final int SHUTDOWN_HOOK_PRIORITY = 60;

  private static final String PROBE_USER = "lakeops-sql-server";

  private static SqlServer running;
  private static String servedEnvironment;

  private final String environment;
  private final String host;
  private final int port;
  private final boolean requiresToken;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Runnable shutdownHook = this::close;

  private SqlServer(String environment, String host, int port, boolean requiresToken) {
    this.environment = environment;
    this.host = host;
    this.port = port;
    this.requiresToken = requiresToken;
  }

  /**
   * Starts the endpoint over {@code spark}, a session built by {@code SessionFactory}: its clients
   * get sessions of the same environment.
   */
  public static synchronized SqlServer start(SparkSession spark, SqlServerSpec spec) {
    String environment = environmentOf(spark);
    if (running != null) {
      throw SqlServerErrors.alreadyRunning(running.environment, running.port);
    }
    if (servedEnvironment != null && !servedEnvironment.equals(environment)) {
      throw SqlServerErrors.otherEnvironment(environment, servedEnvironment);
    }
    SparkConf conf = SparkEnv.get().conf();
    conf.set(BINDING_ADDRESS, spec.host());
    conf.set(BINDING_PORT, Integer.toString(spec.port()));
    conf.set(PORT_RETRIES, "0");
    if (spec.requiresToken()) {
      conf.set(TOKEN, spec.token());
    }
    SparkSession previous = SparkSession.getActiveSession().getOrElse(() -> null);
    // Connect derives its base session from the calling thread's active session.
    SparkSession.setActiveSession(spark);
    try {
      SparkConnectService$.MODULE$.start(spark.sparkContext());
    } catch (RuntimeException e) {
      throw SqlServerErrors.cannotStart(spec.host() + ":" + spec.port(), e);
    } finally {
      // The token lives on in the server's authentication only, never in a session's conf.
      conf.remove(TOKEN);
    }
    try {
      checkBaseSession(environment);
    } catch (RuntimeException e) {
      stopService();
      throw e;
    } finally {
      restoreActive(previous);
    }
    servedEnvironment = environment;
    running =
        new SqlServer(
            environment,
            spec.host(),
            SparkConnectService$.MODULE$.localPort(),
            spec.requiresToken());
    ShutdownHookManager.get()
        .addShutdownHook(
            running.shutdownHook,
            SHUTDOWN_HOOK_PRIORITY,
            SqlServerProperties.STOP_TIMEOUT_SECONDS_DEFAULT + 5,
            TimeUnit.SECONDS);
    LOG.info(
        "SQL endpoint of environment {} on {}{}",
        environment,
        running.url(),
        spec.requiresToken() ? " (token required)" : "");
    return running;
  }

  /** The environment whose catalogs and policy the endpoint serves. */
  public String environment() {
    return environment;
  }

  /** The port the endpoint listens on. */
  public int port() {
    return port;
  }

  /** The address the endpoint binds. */
  public String host() {
    return host;
  }

  /** Whether clients must present the token. */
  public boolean requiresToken() {
    return requiresToken;
  }

  /** The Spark Connect URL of the endpoint ({@code sc://host:port}), without the token. */
  public String url() {
    String shown = host.contains(":") ? "[" + host + "]" : host;
    return "sc://" + shown + ":" + port;
  }

  /** Blocks until the endpoint is stopped. */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  /** Stops accepting clients, lets the queries in flight finish, and closes every session. */
  @Override
  public void close() {
    synchronized (SqlServer.class) {
      if (closed.getCount() == 0) {
        return;
      }
      stopService();
      running = null;
      closed.countDown();
    }
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(shutdownHook);
    }
    LOG.info("SQL endpoint of environment {} on {} stopped", environment, url());
  }

  private static String environmentOf(SparkSession spark) {
    String environment = AccessControl.environment(spark);
    // A session bound to no environment is named "(none)" by its policy.
    if (environment == null || !environment.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw SqlServerErrors.noEnvironment();
    }
    return environment;
  }

  /**
   * Builds Connect's base session now, from this thread (whose active session is the
   * environment's), and checks that a client session gets that environment.
   */
  private static void checkBaseSession(String environment) {
    SparkConnectService$ service = SparkConnectService$.MODULE$;
    SessionHolder probe =
        service.getOrCreateIsolatedSession(
            PROBE_USER, UUID.randomUUID().toString(), scala.Option.empty());
    try {
      String found = AccessControl.environment(probe.session());
      if (!environment.equals(found)) {
        throw SqlServerErrors.wrongBaseSession(environment, found);
      }
    } finally {
      service.sessionManager().closeSession(probe.key(), false);
    }
  }

  private static void stopService() {
    SparkConnectService$.MODULE$.stop(
        scala.Option.apply((Object) SqlServerProperties.STOP_TIMEOUT_SECONDS_DEFAULT),
        scala.Option.apply(TimeUnit.SECONDS));
  }

  private static void restoreActive(SparkSession previous) {
    if (previous == null) {
      SparkSession.clearActiveSession();
    } else {
      SparkSession.setActiveSession(previous);
    }
  }
}
