package lakeops.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import lakeops.features.FeatureLineage;
import lakeops.mlflow.MlflowProperties;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.mlflow.RunPublisher;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a {@link ModelBundle} to MLflow and registers it: the run (params, metrics, tags, datasets,
 * child runs, model and artifacts), a new version of the registered model with the run's model as
 * source, alias {@code champion} if the model has none yet (else {@code challenger}), and the
 * feature lineage rows. The bundle records where it went, so publishing twice is refused.
 */
public final class ModelPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);

  private final MlflowRest rest;
  private final SparkSession spark;

  /** Publishes to {@code rest}'s server; lineage goes through {@code spark} (null: no lineage). */
  public ModelPublisher(MlflowRest rest, SparkSession spark) {
    this.rest = rest;
    this.spark = spark;
  }

  /** Logs, registers and records lineage of {@code bundle}; returns where it was published. */
  public ModelBundle.Published publish(ModelBundle bundle) {
    ModelBundle.Manifest manifest = bundle.manifest();
    if (manifest.published() != null) {
      throw TrainingErrors.alreadyLogged(
          bundle.dir(),
          manifest.published().runId(),
          manifest.published().version(),
          manifest.registeredModel());
    }
    RunPublisher.LoggedRun run =
        new RunPublisher(rest).publish(manifest.run(), bundle.modelDir(), bundle.artifactsDir());
    LOG.info(
        "Logged run {} of {} to {}", run.runId(), manifest.registeredModel(), rest.trackingUri());
    ModelRegistry registry = new ModelRegistry(rest);
    var model = registry.createModel(manifest.registeredModel(), manifest.description());
    ModelVersion version =
        registry.createVersion(manifest.registeredModel(), run.modelUri(), run.runId());
    registry.setVersionTag(
        version.name(),
        version.version(),
        TrainingProperties.ENVIRONMENT_TAG,
        manifest.environment());
    try {
      registry.setVersionTag(
          version.name(),
          version.version(),
          TrainingProperties.FEATURE_VERSIONS_TAG,
          new ObjectMapper().writeValueAsString(manifest.tableVersions()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String alias =
        model.aliases().containsKey(MlflowProperties.CHAMPION_ALIAS)
            ? MlflowProperties.CHALLENGER_ALIAS
            : MlflowProperties.CHAMPION_ALIAS;
    registry.setAlias(version.name(), alias, version.version());
    if (spark != null) {
      FeatureLineage.of(spark)
          .record(
              manifest.environment(),
              version.name(),
              version.version(),
              run.runId(),
              manifest.tableVersions());
    }
    ModelBundle.Published published =
        new ModelBundle.Published(
            rest.trackingUri(), run.experimentId(), run.runId(), version.version(), alias);
    bundle.write(manifest.withPublished(published));
    return published;
  }
}
