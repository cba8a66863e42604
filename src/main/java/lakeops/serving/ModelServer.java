package lakeops.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import lakeops.access.AccessControl;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online serving of a registered model over REST, compatible with MLflow's scoring protocol ({@code
 * POST /invocations}, {@code GET /ping}, {@code /health}, {@code /version}). The version an alias
 * points at is loaded with its signature and feature lookups and scored in the JVM ({@link
 * LocalPipeline}); the registry is polled and a moved alias is swapped in without a failed request;
 * every scored row goes to the inference log off the request path. A shutdown hook (or {@link
 * #close()}) stops accepting, finishes the requests in flight and appends the last log rows.
 *
 * <pre>{@code try (ModelServer server = ModelServer.start(spark, registry,
 *     ServingSpec.builder("prod.ml.flight_delay@champion").port(8080).build())) {
 *   server.awaitClose();
 * }}</pre>
 */
public final class ModelServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

  /**
   * The version being served.
   *
   * @param name registered model name
   * @param version version number
   * @param alias the alias followed, null for a pinned version
   * @param loadedAt when it was loaded
   * @param local whether requests are scored without a Spark job
   * @param plan how each lookup and stage runs, and what the load checked
   */
  public record LiveModel(
      String name, int version, String alias, Instant loadedAt, boolean local, List<String> plan) {}

  private final ServingSpec spec;
  private final AtomicReference<ServedModel> live;
  private final InferenceLog log;
  private final ModelWatcher watcher;
  private final HttpFrontend http;
  private final Runnable shutdownHook = this::close;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  private ModelServer(
      ServingSpec spec,
      AtomicReference<ServedModel> live,
      InferenceLog log,
      ModelWatcher watcher,
      HttpFrontend http) {
    this.spec = spec;
    this.live = live;
    this.log = log;
    this.watcher = watcher;
    this.http = http;
  }

  /**
   * Loads the version {@code spec} names and starts serving it. Fails, serving nothing, if the
   * alias is not set or the version cannot be loaded.
   */
  public static ModelServer start(SparkSession spark, ModelRegistry registry, ServingSpec spec) {
    ModelVersion version =
        spec.version().isPresent()
            ? registry.version(spec.modelName(), spec.version().get())
            : registry.resolve(spec.modelUri());
    ModelLoader loader = new ModelLoader(spark, registry, spec);
    spark.sparkContext().setJobGroup(ServingProperties.JOB_GROUP, "Load " + spec.modelUri(), false);
    ServedModel first;
    try {
      first = loader.load(version);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    AtomicReference<ServedModel> live = new AtomicReference<>(first);
    InferenceLog log = null;
    HttpFrontend http = null;
    try {
      if (spec.inferenceLog()) {
        log =
            InferenceLog.start(
                spark, spec.inferenceLogTable().orElseGet(() -> defaultLog(spark)), spec);
        log.prepare(first.requestSchema());
      }
      ReloadStatus reloads = new ReloadStatus();
      ModelWatcher watcher = new ModelWatcher(spark, registry, spec, loader, live, reloads, log);
      http = HttpFrontend.start(spec, new Endpoints(live, reloads, spec.token(), log));
      ModelServer server = new ModelServer(spec, live, log, watcher, http);
      watcher.start();
      ShutdownHookManager.get()
          .addShutdownHook(
              server.shutdownHook,
              ServingProperties.SHUTDOWN_HOOK_PRIORITY,
              ServingProperties.SHUTDOWN_TIMEOUT.toSeconds(),
              TimeUnit.SECONDS);
      LOG.info(
          "Serving {} (version {}) on {}{}:\n  {}",
          spec.modelUri(),
          first.version(),
          server.url(),
          spec.requiresToken() ? " with a bearer token from " + spec.token().source() : "",
          String.join("\n  ", first.plan()));
      return server;
    } catch (RuntimeException e) {
      if (http != null) {
        http.close(Duration.ZERO);
      }
      if (log != null) {
        log.close();
      }
      ModelLoader.delete(first.dir());
      throw e;
    }
  }

  /** The port listened on (the one picked when the spec said 0). */
  public int port() {
    return http.port();
  }

  /** {@code http://host:port}. */
  public String url() {
    String host = spec.host().contains(":") ? "[" + spec.host() + "]" : spec.host();
    return "http://" + host + ":" + port();
  }

  /** The version being served now. */
  public LiveModel live() {
    ServedModel model = live.get();
    return new LiveModel(
        model.name(),
        model.version(),
        model.alias(),
        model.loadedAt(),
        model.isLocal(),
        model.plan());
  }

  /** Rows appended to the inference log so far (0 without one). */
  public long loggedRows() {
    return log == null ? 0 : log.appended();
  }

  /** Checks the registry now rather than at the next poll (loading a moved alias's version). */
  public void checkNow() {
    watcher.poll();
  }

  /** Blocks until the server is closed (by {@link #close()} or the shutdown hook). */
  public void awaitClose() throws InterruptedException {
    done.await();
  }

  /**
   * Stops accepting requests, lets those in flight finish (up to {@link
   * ServingProperties#DRAIN_TIMEOUT}), stops polling, then appends every queued inference-log row.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      http.close(ServingProperties.DRAIN_TIMEOUT);
      watcher.close();
      if (log != null) {
        log.close();
      }
      ModelLoader.delete(live.get().dir());
      LOG.info(
          "Stopped serving {}{}",
          spec.modelUri(),
          log == null ? "" : "; " + log.appended() + " rows in " + log.table());
    } finally {
      if (!ShutdownHookManager.get().isShutdownInProgress()) {
        ShutdownHookManager.get().removeShutdownHook(shutdownHook);
      }
      done.countDown();
    }
  }

  /** {@code <environment>.ml.inference_log} of the session's environment. */
  private static String defaultLog(SparkSession spark) {
    String environment = AccessControl.environment(spark);
    if (environment.startsWith("(")) { // a session of no environment
      throw ServingErrors.invalidOption(
          "inference log table",
          "(none)",
          "a table name: the session belongs to no LakeOps environment");
    }
    return environment + "." + ServingProperties.INFERENCE_LOG_TABLE;
  }
}
