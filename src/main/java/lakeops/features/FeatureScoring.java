package lakeops.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Batch scoring with feature lookup: a model trained from a feature-store training set carries its
 * lookups ({@link ModelFeatureSpec}), so scoring needs only the keys and timestamps. {@link
 * #scoreBatch} loads the model from the registry, joins the features point-in-time exactly as
 * training did, and adds the model's output columns ({@code prediction}, and for classifiers {@code
 * probability}).
 *
 * <pre>
 * {@code FeatureScoring.of(spark, registry).scoreBatch("models:/dev.ml.flight_delay@champion", flights)}
 * </pre>
 */
public final class FeatureScoring {

  private final SparkSession spark;
  private final ModelRegistry registry;
  private final Map<String, Path> downloaded = new ConcurrentHashMap<>();

  private FeatureScoring(SparkSession spark, ModelRegistry registry) {
    this.spark = spark;
    this.registry = registry;
  }

  /** Scoring in {@code spark}'s catalogs with models from {@code registry}. */
  public static FeatureScoring of(SparkSession spark, ModelRegistry registry) {
    return new FeatureScoring(spark, registry);
  }

  /**
   * Scores {@code rows} (the lookup keys and timestamp columns the model's lookups name, plus any
   * raw columns its pipeline reads) with the model at {@code modelUri} ({@code models:/name@alias}
   * or {@code models:/name/version}): rows keep their columns and gain the features and
   * predictions.
   */
  public Dataset<Row> scoreBatch(String modelUri, Dataset<Row> rows) {
    ModelVersion version = registry.resolve(modelUri);
    Path modelDir = downloaded.computeIfAbsent(version.uri(), uri -> download(uri));
    return scoreBatch(modelDir, rows);
  }

  /**
   * Scores {@code rows} with the MLflow model directory {@code modelDir} (see {@link
   * #scoreBatch(String, Dataset)}).
   */
  public Dataset<Row> scoreBatch(Path modelDir, Dataset<Row> rows) {
    ModelFeatureSpec spec = ModelFeatureSpec.readFrom(modelDir);
    TrainingSet withFeatures =
        FeatureStore.of(spark)
            .createTrainingSet(rows, spec.lookups().toArray(FeatureLookup[]::new));
    PipelineModel model = PipelineModel.load(modelDir.resolve("sparkml").toUri().toString());
    return model.transform(withFeatures.data());
  }

  private Path download(String uri) {
    try {
      Path target = Files.createTempDirectory("lakeops-model-");
      registry.download(uri, target);
      return target;
    } catch (IOException e) {
      throw FeatureErrors.cannotDownload(uri, e);
    }
  }
}
