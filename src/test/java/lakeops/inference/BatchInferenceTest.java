package lakeops.inference;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lakeops.exceptions.SchemaMismatchException;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import lakeops.features.ModelFeatureSpec;
import lakeops.features.TrainingSet;
import lakeops.jobs.JobSpec;
import lakeops.jobs.JobSpecs;
import lakeops.mlflow.MlflowModelWriter;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.RunPublisher;
import lakeops.mlflow.RunRecord;
import lakeops.monitoring.Monitors;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.SharedSpark;
import lakeops.testing.TestHome;
import lakeops.training.FlightDelayFixture;
import lakeops.training.ModelSpec;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batch inference on one small lake (the training fixture's flights and feature tables) with two
 * versions of one registered model: version 1 the fixture's trained model, version 2 a weaker
 * pipeline on the same lookups. The tests run in order on one predictions table: refusal of a
 * mismatched input, scoring once per input version, equality with Spark's transform, then late
 * labels and the shipped predictions monitor's model quality per version against Spark's
 * evaluators.
 */
@ExtendWith(MlflowTestServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchInferenceTest extends SharedSpark {

  private static final String MODEL = "predict_test";
  private static final String REGISTERED = "dev.ml." + MODEL;
  private static final String INPUT = "dev.predict_test.flights";
  private static final String PREDICTIONS = "dev.ml.predictions";
  private static final String FLIGHTS =
      "dev." + FlightDelayFixture.SCHEMA.substring(4) + ".flights";
  private static final String KEYS = "origin, destination, flight_time";

  private static BatchInference inference;
  private static ModelRegistry registry;
  private static FeatureLookup[] lookups;
  private static PipelineModel first;
  private static PipelineModel second;

  @BeforeAll
  static void lakeAndTwoModelVersions() throws Exception {
    Path trained = FlightDelayFixture.published().bundleDir().resolve("model");
    lookups = ModelFeatureSpec.readFrom(trained).lookups().toArray(FeatureLookup[]::new);
    first = PipelineModel.load(trained.resolve("sparkml").toUri().toString());
    registry = new ModelRegistry(MlflowRest.of(MlflowTestServer.server().url()));
    registry.createModel(REGISTERED, "batch inference test model");
    register(trained);
    register(fitSecond());
    Path config = home().resolve("conf/models/" + FlightDelayFixture.MODEL + ".yml");
    Files.writeString(
        home().resolve("conf/models/" + MODEL + ".yml"),
        Files.readString(config).replace("name: " + FlightDelayFixture.MODEL, "name: " + MODEL));

    sql("DROP TABLE IF EXISTS %s", PREDICTIONS);
    sql("CREATE SCHEMA IF NOT EXISTS dev.predict_test");
    sql("DROP TABLE IF EXISTS %s", INPUT);
    sql(
        "CREATE TABLE %s AS SELECT %s, distance_miles FROM %s "
            + "WHERE flight_time >= '2024-04-03' AND flight_time < '2024-04-07'",
        INPUT, KEYS, FLIGHTS);
    inference = BatchInference.of(spark(), home(), FlightDelayFixture.environment());
  }

  /** Version 2: a logistic regression on the hour and route delays only (no origin). */
  private static Path fitSecond() {
    Dataset<Row> labels =
        sql(
            "SELECT %s, distance_miles, CAST(delay_minutes > 15 AS DOUBLE) AS label FROM %s "
                + "WHERE flight_time < '2024-04-01'",
            KEYS, FLIGHTS);
    TrainingSet set = FeatureStore.of(spark()).createTrainingSet(labels, lookups);
    Dataset<Row> data = set.data().cache();
    second =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new SQLTransformer()
                      .setStatement(
                          "SELECT *, CAST(hour(flight_time) AS DOUBLE) AS hour_of_day FROM __THIS__"),
                  new VectorAssembler()
                      .setInputCols(new String[] {"hour_of_day", "route_delay_avg_1d"})
                      .setOutputCol("features")
                      .setHandleInvalid("keep"),
                  new LogisticRegression().setMaxIter(10)
                })
            .fit(data);
    Path dir = TestHome.projectDir().resolve("target/inference-models/second-" + System.nanoTime());
    MlflowModelWriter.write(second, data.drop("label").na().drop().limit(10), dir);
    ModelFeatureSpec.of(set).writeTo(dir);
    data.unpersist();
    return dir;
  }

  private static void register(Path modelDir) {
    long now = System.currentTimeMillis();
    RunPublisher.LoggedRun run =
        new RunPublisher(MlflowRest.of(MlflowTestServer.server().url()))
            .publish(
                new RunRecord(
                    "/lakeops/dev/inference-tests",
                    MODEL,
                    now,
                    now,
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    List.of(),
                    List.of()),
                modelDir,
                null);
    registry.createVersion(REGISTERED, run.modelUri(), run.runId());
  }

  private static long version(String table) {
    return spark().catalog().tableExists(table)
        ? sql("DESCRIBE HISTORY %s", table).selectExpr("max(version)").first().getLong(0)
        : -1;
  }

  @Test
  @Order(1)
  void refusesAnInputWhoseColumnsDoNotMatchTheModelAndWritesNothing() {
    sql("DROP TABLE IF EXISTS dev.predict_test.bad");
    sql(
        "CREATE TABLE dev.predict_test.bad AS SELECT flight_time, origin, "
            + "CAST(distance_miles AS STRING) AS distance_miles FROM %s LIMIT 10",
        INPUT);
    registry.setAlias(REGISTERED, "champion", 1);
    long before = version(PREDICTIONS);
    assertThatThrownBy(() -> inference.score(MODEL, "predict_test.bad"))
        .isInstanceOf(SchemaMismatchException.class)
        .hasMessageStartingWith(
            "Invalid input dev.predict_test.bad for model " + REGISTERED + "/1: ")
        .hasMessageContaining("missing column(s) destination (string)")
        .hasMessageContaining("mistyped column(s) distance_miles (string, the model expects int)")
        .hasMessageNotContaining("\n");
    assertThat(version(PREDICTIONS)).isEqualTo(before);
  }

  @Test
  @Order(2)
  void scoresEachInputVersionOnceStampedWithModelAndInputVersion() {
    registry.setAlias(REGISTERED, "champion", 1);
    long firstRows = spark().table(INPUT).count();
    ScoringResult scored = inference.score(MODEL, "predict_test.flights");
    assertThat(scored)
        .extracting(
            ScoringResult::modelName,
            ScoringResult::modelVersion,
            ScoringResult::inputTable,
            ScoringResult::inputVersion,
            ScoringResult::rowsWritten,
            ScoringResult::alreadyScored)
        .containsExactly(REGISTERED, 1, INPUT, 0L, firstRows, false);
    assertThat(spark().table(PREDICTIONS).schema().toDDL())
        .isEqualTo(
            "origin STRING,destination STRING,flight_time TIMESTAMP,timestamp TIMESTAMP,"
                + "prediction DOUBLE,probability DOUBLE,label DOUBLE,model_name STRING,"
                + "model_version STRING,input_table STRING,input_version BIGINT,"
                + "scored_at TIMESTAMP,labelled_at TIMESTAMP");

    long tableVersion = version(PREDICTIONS);
    ScoringResult again = inference.score("models:/" + REGISTERED + "@champion", INPUT);
    assertThat(again.alreadyScored()).isTrue();
    assertThat(again.rowsWritten()).isZero();
    assertThat(version(PREDICTIONS)).isEqualTo(tableVersion);

    // A new input version: only its new rows are scored, stamped with it.
    sql(
        "INSERT INTO %s SELECT %s, distance_miles FROM %s WHERE flight_time >= '2024-04-07'",
        INPUT, KEYS, FLIGHTS);
    long allRows = spark().table(INPUT).count();
    ScoringResult next = inference.score(MODEL + "@champion", INPUT);
    assertThat(next.inputVersion()).isEqualTo(1);
    assertThat(next.rowsWritten()).isEqualTo(allRows - firstRows).isPositive();
    assertThat(version(PREDICTIONS)).isEqualTo(tableVersion + 1);

    // A new champion scores the whole input once.
    registry.setAlias(REGISTERED, "champion", 2);
    assertThat(inference.score(MODEL, INPUT).rowsWritten()).isEqualTo(allRows);
    assertThat(inference.score(MODEL, INPUT).alreadyScored()).isTrue();

    assertThat(
            sql(
                    "SELECT model_name, model_version, input_table, input_version, count(*), "
                        + "count(label), count(labelled_at), min(probability) >= 0, "
                        + "max(probability) <= 1, count(DISTINCT %s), bool_and(timestamp = flight_time) "
                        + "FROM %s GROUP BY ALL ORDER BY 2, 4",
                    KEYS, PREDICTIONS)
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly(
            row(REGISTERED, "1", INPUT, 0, firstRows, 0, 0, true, true, firstRows, true),
            row(
                REGISTERED,
                "1",
                INPUT,
                1,
                allRows - firstRows,
                0,
                0,
                true,
                true,
                allRows - firstRows,
                true),
            row(REGISTERED, "2", INPUT, 1, allRows, 0, 0, true, true, allRows, true));
  }

  private static String row(Object... values) {
    return org.apache.spark.sql.RowFactory.create(values).toString();
  }

  @Test
  @Order(3)
  void predictionsEqualSparksTransformOfTheSameModelOnTheSameRows() {
    Dataset<Row> input = spark().table(INPUT);
    Dataset<Row> withFeatures = FeatureStore.of(spark()).createTrainingSet(input, lookups).data();
    for (Map.Entry<String, PipelineModel> model : Map.of("1", first, "2", second).entrySet()) {
      List<Row> expected =
          model
              .getValue()
              .transform(withFeatures)
              .select(
                  col("origin"),
                  col("destination"),
                  col("flight_time"),
                  col("prediction"),
                  element_at(
                          org.apache.spark.ml.functions.vector_to_array(
                              col("probability"), "float64"),
                          2)
                      .as("probability"))
              .collectAsList();
      List<Row> actual =
          sql(
                  "SELECT %s, prediction, probability FROM %s WHERE model_version = '%s'",
                  KEYS, PREDICTIONS, model.getKey())
              .collectAsList();
      assertThat(actual).as("version " + model.getKey()).hasSize(expected.size());
      assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  @Order(4)
  void lateLabelsGiveModelQualityPerVersionEqualToSparksEvaluators() {
    ModelSpec spec = ModelSpec.load(home().resolve("conf/models/" + MODEL + ".yml"));
    LabelResult labelled = inference.mergeLabels(spec);
    long total = spark().table(PREDICTIONS).count();
    assertThat(labelled.rowsLabelled()).isEqualTo(total);
    assertThat(
            sql(
                    "SELECT count(*) FROM %s p JOIN %s f USING (%s) "
                        + "WHERE p.label <> CAST(f.delay_minutes > 15 AS DOUBLE) OR p.labelled_at IS NULL",
                    PREDICTIONS, FLIGHTS, KEYS)
                .first()
                .getLong(0))
        .isZero();
    long tableVersion = version(PREDICTIONS);
    assertThat(inference.mergeLabels(spec).rowsLabelled()).isZero();
    assertThat(version(PREDICTIONS)).isEqualTo(tableVersion);

    Monitors.of(spark(), "dev", home().confDir().resolve("monitors")).refresh("predictions");
    List<Row> windows =
        sql("SELECT model_id, window.start, window.end, accuracy_score, f1_score.weighted, "
                + "precision.weighted, recall.weighted, roc_auc_score, log_loss "
                + "FROM dev.monitoring.predictions_profile_metrics WHERE column_name = ':table' "
                + "AND slice_key IS NULL AND model_id IN ('1', '2') AND window.start IN "
                + "(timestamp'2024-04-04 00:00:00', timestamp'2024-04-08 00:00:00')")
            .collectAsList();
    assertThat(windows).hasSize(4);
    for (Row metrics : windows) {
      Dataset<Row> rows =
          spark()
              .table(PREDICTIONS)
              .where(
                  col("model_version")
                      .equalTo(metrics.getString(0))
                      .and(col("timestamp").geq(metrics.getTimestamp(1)))
                      .and(col("timestamp").lt(metrics.getTimestamp(2))))
              .select(
                  col("label"),
                  col("prediction"),
                  col("probability"),
                  org.apache
                      .spark
                      .ml
                      .functions
                      .array_to_vector(expr("array(1 - probability, probability)"))
                      .as("probabilities"));
      MulticlassClassificationEvaluator multi =
          new MulticlassClassificationEvaluator()
              .setLabelCol("label")
              .setPredictionCol("prediction")
              .setProbabilityCol("probabilities");
      String what = "version " + metrics.getString(0) + " on " + metrics.getTimestamp(1);
      assertThat(metrics.getDouble(3))
          .as("accuracy of " + what)
          .isCloseTo(multi.setMetricName("accuracy").evaluate(rows), within(1e-9));
      assertThat(metrics.getDouble(4))
          .as("f1 of " + what)
          .isCloseTo(multi.setMetricName("f1").evaluate(rows), within(1e-9));
      assertThat(metrics.getDouble(5))
          .isCloseTo(multi.setMetricName("weightedPrecision").evaluate(rows), within(1e-9));
      assertThat(metrics.getDouble(6))
          .isCloseTo(multi.setMetricName("weightedRecall").evaluate(rows), within(1e-9));
      assertThat(metrics.getDouble(7))
          .as("ROC AUC of " + what)
          .isCloseTo(
              new BinaryClassificationEvaluator()
                  .setLabelCol("label")
                  .setRawPredictionCol("probability")
                  .setNumBins(0)
                  .evaluate(rows),
              within(1e-9));
      assertThat(metrics.getDouble(8))
          .isCloseTo(multi.setMetricName("logLoss").evaluate(rows), within(1e-9));
    }
  }

  @Test
  void batchInferenceJobIsValidAndRunsTheJobMains() throws Exception {
    JobSpec job = JobSpecs.load(TestHome.projectDir().resolve("jobs/batch_inference.yml"));
    assertThat(job.name()).isEqualTo("batch_inference");
    assertThat(job.toString())
        .contains(
            PredictJob.class.getName(),
            LabelJob.class.getName(),
            "lakeops.monitoring.MonitorJob",
            "predictions");
  }
}
