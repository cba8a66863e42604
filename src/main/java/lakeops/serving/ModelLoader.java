package lakeops.serving;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import lakeops.exceptions.LakeOpsException;
import lakeops.features.FeatureStore;
import lakeops.features.ModelFeatureSpec;
import lakeops.mlflow.MlflowProperties;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one registered version for serving: downloads its MLflow model directory, reads its input
 * signature and feature lookups, loads the {@code sparkml/} pipeline, compiles it for the JVM, and
 * checks the JVM's predictions on the model's input example against Spark's transform (a model
 * whose predictions differ is served through Spark, saying so). Spark jobs run here, never per
 * request.
 */
final class ModelLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

  private final SparkSession spark;
  private final ModelRegistry registry;
  private final ServingSpec spec;

  ModelLoader(SparkSession spark, ModelRegistry registry, ServingSpec spec) {
    this.spark = spark;
    this.registry = registry;
    this.spec = spec;
  }

  /** Loads {@code version}; fails with the reason (the caller keeps serving what it served). */
  ServedModel load(ModelVersion version) {
    String label = version.uri();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("lakeops-serving-");
      registry.download(label, dir);
      StructType signature = ModelSignature.inputs(dir, label);
      PipelineModel model = PipelineModel.load(dir.resolve("sparkml").toUri().toString());
      OnlineFeatures features = null;
      if (spec.featureLookup()
          && Files.isRegularFile(dir.resolve(FeatureStore.FEATURE_SPEC_FILE))) {
        features = OnlineFeatures.load(spark, ModelFeatureSpec.readFrom(dir).lookups(), signature);
      }
      LocalPipeline pipeline = LocalPipeline.of(model, signature, spark);
      List<String> notes = new ArrayList<>();
      pipeline = checked(spark, pipeline, model, signature, dir, notes);
      ServedModel served =
          new ServedModel(
              version.name(),
              version.version(),
              spec.alias().orElse(null),
              version.runId(),
              Instant.now(),
              dir,
              pipeline,
              features,
              spec.maxRows(),
              notes);
      warmUp(served, dir);
      return served;
    } catch (LakeOpsException e) {
      delete(dir);
      throw e;
    } catch (
        Exception e) { // Spark's AnalysisException is checked, though Scala code throws it anyway
      delete(dir);
      throw ServingErrors.cannotLoad(label, e.getClass().getSimpleName() + ": " + firstLine(e), e);
    }
  }

  /**
   * The JVM pipeline if its predictions on the input example equal Spark's transform, else the
   * whole pipeline in Spark (with a note saying why).
   */
  private static LocalPipeline checked(
      SparkSession spark,
      LocalPipeline pipeline,
      PipelineModel model,
      StructType signature,
      Path dir,
      List<String> notes) {
    List<Object[]> example = example(dir, signature);
    if (example.isEmpty()) {
      notes.add("input example: none, the JVM's predictions were not checked against Spark");
      return pipeline;
    }
    List<Row> rows = new ArrayList<>();
    example.forEach(values -> rows.add(RowFactory.create(values)));
    List<Row> expected =
        model
            .transform(spark.createDataFrame(rows, signature))
            .select(MlflowProperties.PREDICTION_COLUMN)
            .collectAsList();
    List<Row> actual = pipeline.transform(rows);
    int prediction = pipeline.outputSchema().fieldIndex(MlflowProperties.PREDICTION_COLUMN);
    boolean equal = actual.size() == expected.size();
    for (int i = 0; equal && i < actual.size(); i++) {
      equal = Objects.equals(actual.get(i).get(prediction), expected.get(i).get(0));
    }
    if (equal) {
      notes.add("input example: the JVM's " + rows.size() + " predictions equal Spark's");
      return pipeline;
    }
    LOG.warn(
        "The JVM's predictions on the input example of {} differ from Spark's: serving it through Spark",
        dir);
    notes.add(
        "input example: the JVM's predictions differ from Spark's, so every stage runs in Spark");
    return LocalPipeline.inSpark(model, signature, spark);
  }

  /** The rows of {@code input_example.json} (MLflow's split orient), or none. */
  private static List<Object[]> example(Path dir, StructType signature) {
    Path file = dir.resolve("input_example.json");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      byte[] body =
          ("{\"dataframe_split\": " + Files.readString(file) + "}")
              .getBytes(StandardCharsets.UTF_8);
      return new RequestParser(signature, Integer.MAX_VALUE)
          .parse("application/json", new ByteArrayInputStream(body), body.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RequestException e) {
      LOG.warn("Cannot read the input example of {}: {}", dir, e.getMessage());
      return List.of();
    }
  }

  /**
   * Runs the example through the served model a few times, so the first requests find the JIT warm.
   */
  private static void warmUp(ServedModel served, Path dir) {
    if (!served.isLocal() || served.features() != null) {
      return;
    }
    List<Object[]> example = example(dir, served.requestSchema());
    for (int i = 0; i < 200 && !example.isEmpty(); i++) {
      served.score(Collections.singletonList(example.get(i % example.size())));
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    return message.lines().findFirst().orElse(message);
  }

  /**
   * Deletes a downloaded model directory; a file that cannot go is left for the OS's temp cleaner.
   */
  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Cannot delete model folder {}: {}", dir, e.getMessage());
    }
  }
}
