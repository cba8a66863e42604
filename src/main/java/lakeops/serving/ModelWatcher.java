package lakeops.serving;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: every poll interval, asks the registry where the alias points. When it moved, loads
 * the new version on this background thread and swaps it in atomically (requests in flight finish
 * on the version they started with); a version that fails to load leaves the old one serving, is
 * reported in {@code /version}, and is not tried again until the alias moves. Between moves,
 * feature tables with a new Delta version are read again and swapped in the same way.
 */
final class ModelWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

  private final SparkSession spark;
  private final ModelRegistry registry;
  private final ServingSpec spec;
  private final ModelLoader loader;
  private final AtomicReference<ServedModel> live;
  private final ReloadStatus status;
  private final InferenceLog log;
  private final ScheduledExecutorService thread;

  ModelWatcher(
      SparkSession spark,
      ModelRegistry registry,
      ServingSpec spec,
      ModelLoader loader,
      AtomicReference<ServedModel> live,
      ReloadStatus status,
      InferenceLog log) {
    this.spark = spark;
    this.registry = registry;
    this.spec = spec;
    this.loader = loader;
    this.live = live;
    this.status = status;
    this.log = log;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "lakeops-serving-reload");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts polling (only when an alias is followed: a pinned version never moves). */
  void start() {
    long every = spec.pollInterval().toMillis();
    thread.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * One check; never throws (a failure is logged and the next poll tries again). Checks run one at
   * a time (a {@link ModelServer#checkNow()} waits for a scheduled one).
   */
  synchronized void poll() {
    spark.sparkContext().setJobGroup(ServingProperties.JOB_GROUP, "Reload the served model", false);
    try {
      if (spec.alias().isPresent()) {
        Optional<ModelVersion> target =
            registry.versionByAlias(spec.modelName(), spec.alias().get());
        status.checked();
        if (target.isPresent() && target.get().version() != live.get().version()) {
          switchTo(target.get());
          return;
        }
      }
      refreshFeatures();
    } catch (Exception e) { // whatever it is, the next poll must still run
      LOG.warn("Cannot check {} for a new version: {}", spec.modelUri(), e.getMessage());
    }
  }

  private void switchTo(ModelVersion target) {
    Integer failed = status.failedVersion();
    if (failed != null && failed == target.version()) {
      return;
    }
    ServedModel old = live.get();
    LOG.info(
        "{} now points at version {} (serving {}): loading it",
        spec.modelUri(),
        target.version(),
        old.version());
    ServedModel fresh;
    try {
      fresh = loader.load(target);
      if (log != null) {
        log.prepare(fresh.requestSchema());
      }
    } catch (RuntimeException e) {
      status.failed(target.version(), e.getMessage());
      LOG.error(
          "Cannot serve version {} of {}; version {} keeps serving: {}",
          target.version(),
          spec.modelName(),
          old.version(),
          e.getMessage());
      return;
    }
    live.set(fresh);
    status.switched(old.version(), fresh.version());
    LOG.info(
        "Serving version {} of {} (was {}):\n  {}",
        fresh.version(),
        fresh.name(),
        old.version(),
        String.join("\n  ", fresh.plan()));
    ModelLoader.delete(old.dir());
  }

  private void refreshFeatures() {
    ServedModel current = live.get();
    if (current.features() == null) {
      return;
    }
    OnlineFeatures fresh = current.features().refresh();
    if (fresh != current.features()) {
      live.compareAndSet(current, current.withFeatures(fresh));
      LOG.info("Feature tables of {} reloaded: {}", current.name(), fresh.plan());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(ServingProperties.DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
