package lakeops.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import lakeops.features.FeatureLineage;
import lakeops.features.FeatureScoring;
import lakeops.features.FeatureStore;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.testing.MlflowTestServer;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;

/**
 * Training from a model file, logged to and registered in the real MLflow server of the test JVM.
 */
@ExtendWith(MlflowTestServer.class)
class TrainingTest {

  private static final String REGISTERED = "dev.ml." + FlightDelayFixture.MODEL;

  @Test
  void runHasAutologgedParamsMetricsTagsAndFeatureTableDatasets() {
    TrainingResult result = FlightDelayFixture.published();
    MlflowClient client = new MlflowClient(MlflowTestServer.server().url());
    Run run = client.getRun(result.published().runId());
    Map<String, String> params =
        run.getData().getParamsList().stream()
            .collect(Collectors.toMap(Param::getKey, Param::getValue));
    assertThat(params)
        .containsEntry(
            "stages", "['SQLTransformer', 'Imputer', 'VectorAssembler', 'LogisticRegression']")
        .containsEntry("LogisticRegression.maxIter", "20")
        .containsEntry("VectorAssembler.handleInvalid", "keep")
        .containsEntry("Imputer.strategy", "mean")
        .containsKey("best_LogisticRegression.regParam")
        .containsEntry("tuning.method", "validation_split")
        .containsEntry("label_table", "dev.train_test.flights");
    assertThat(params.get("LogisticRegression.regParam"))
        .isEqualTo(params.get("best_LogisticRegression.regParam"));
    Map<String, Double> metrics =
        run.getData().getMetricsList().stream()
            .collect(Collectors.toMap(m -> m.getKey(), m -> m.getValue()));
    assertThat(metrics)
        .containsKeys(
            "train_areaUnderROC",
            "validation_areaUnderROC",
            "test_areaUnderROC",
            "test_accuracy",
            "train_rows",
            "test_rows",
            "training_seconds");
    assertThat(metrics.get("test_areaUnderROC"))
        .as("the model learns origin and hour")
        .isGreaterThan(0.7);
    assertThat(
            metrics.get("train_rows") + metrics.get("validation_rows") + metrics.get("test_rows"))
        .isEqualTo(1200.0);
    Map<String, String> tags =
        run.getData().getTagsList().stream()
            .collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
    assertThat(tags)
        .containsEntry("lakeops.environment", "dev")
        .containsEntry("estimator_class", "org.apache.spark.ml.Pipeline")
        .containsEntry("mlflow.runName", run.getInfo().getRunName());
    assertThat(run.getInputs().getDatasetInputsList())
        .extracting(d -> d.getDataset().getName())
        .containsExactlyInAnyOrder(
            "dev.train_test.flights", "dev.train_test.origin_stats", "dev.train_test.route_stats");
    long originVersion =
        FeatureStore.of(FlightDelayFixture.session())
            .table("dev.train_test.origin_stats")
            .version();
    assertThat(run.getInputs().getDatasetInputsList())
        .anySatisfy(
            d -> {
              assertThat(d.getDataset().getName()).isEqualTo("dev.train_test.origin_stats");
              assertThat(d.getDataset().getSourceType()).isEqualTo("delta_table");
              assertThat(d.getDataset().getSource())
                  .contains("\"delta_table_version\": " + originVersion);
              assertThat(d.getTagsList())
                  .anySatisfy(t -> assertThat(t.getValue()).isEqualTo("training"));
            });
    List<Run> children =
        client
            .searchRuns(
                List.of(run.getInfo().getExperimentId()),
                "tags.mlflow.parentRunId = '" + run.getInfo().getRunId() + "'")
            .stream()
            .map(info -> client.getRun(info.getRunId()))
            .toList();
    assertThat(children)
        .hasSize(2)
        .allSatisfy(
            child ->
                assertThat(child.getData().getMetricsList())
                    .anySatisfy(m -> assertThat(m.getKey()).isEqualTo("areaUnderROC")));
  }

  @Test
  void firstVersionBecomesChampionAndLineageRecordsFeatureVersions() {
    TrainingResult result = FlightDelayFixture.published();
    ModelRegistry registry = new ModelRegistry(MlflowRest.of(MlflowTestServer.server().url()));
    assertThat(result.published().alias()).isEqualTo("champion");
    assertThat(registry.versionByAlias(REGISTERED, "champion"))
        .get()
        .satisfies(
            v -> {
              assertThat(v.version()).isEqualTo(result.published().version());
              assertThat(v.runId()).isEqualTo(result.published().runId());
              assertThat(v.source()).endsWith("/artifacts/model");
            });
    // Other tests of this JVM register more versions of the model: this one's rows are checked.
    List<Row> lineage =
        FeatureLineage.of(FlightDelayFixture.session())
            .of("dev", REGISTERED)
            .where("model_version = " + result.published().version())
            .collectAsList();
    assertThat(lineage).isNotEmpty();
    FeatureStore store = FeatureStore.of(FlightDelayFixture.session());
    assertThat(lineage)
        .extracting(r -> r.getAs("feature_table") + "@" + r.getAs("delta_version"))
        .contains(
            "dev.train_test.origin_stats@" + store.table("dev.train_test.origin_stats").version(),
            "dev.train_test.route_stats@" + store.table("dev.train_test.route_stats").version());
    assertThat(lineage)
        .allSatisfy(
            r -> assertThat((String) r.getAs("run_id")).isEqualTo(result.published().runId()));
  }

  @Test
  void unreachableServerFailsNamingTheKeptModelAndRelogIsRefusedOnceLogged() {
    TrainingResult trained = FlightDelayFixture.trainedLocally();
    assertThat(FlightDelayFixture.deadServerError())
        .hasMessageContaining("Cannot log model " + REGISTERED)
        .hasMessageContaining("http://127.0.0.1:5059")
        .hasMessageContaining("kept in " + trained.bundleDir())
        .hasMessageContaining("lakeops models relog --env dev");
    assertThat(Files.isDirectory(trained.bundleDir().resolve("model/sparkml/stages"))).isTrue();
    assertThat(Files.isRegularFile(trained.bundleDir().resolve("model/MLmodel"))).isTrue();
    ModelPublisher publisher =
        new ModelPublisher(MlflowRest.of(MlflowTestServer.server().url()), null);
    assertThatThrownBy(() -> publisher.publish(ModelBundle.open(trained.bundleDir())))
        .hasMessageContaining(
            "it was logged already as run " + FlightDelayFixture.published().published().runId());
  }

  @Test
  void scoreBatchLooksFeaturesUpFromKeysAndTimesAndMatchesTheTrainedPipeline() {
    TrainingResult result = FlightDelayFixture.published();
    Dataset<Row> keys =
        FlightDelayFixture.session()
            .sql(
                "SELECT flight_time, origin, destination, distance_miles FROM dev.train_test.flights "
                    + "ORDER BY flight_time LIMIT 40");
    ModelRegistry registry = new ModelRegistry(MlflowRest.of(MlflowTestServer.server().url()));
    Dataset<Row> scored =
        FeatureScoring.of(FlightDelayFixture.session(), registry)
            .scoreBatch("models:/" + REGISTERED + "@champion", keys);
    assertThat(scored.columns())
        .contains("origin_delay_avg_1d", "route_delay_avg_1d", "prediction", "probability");
    assertThat(scored.count()).isEqualTo(40);

    PipelineModel local =
        PipelineModel.load(result.bundleDir().resolve("model/sparkml").toUri().toString());
    Dataset<Row> expected =
        local.transform(
            FeatureStore.of(FlightDelayFixture.session())
                .createTrainingSet(
                    keys,
                    lakeops.features.ModelFeatureSpec.readFrom(result.bundleDir().resolve("model"))
                        .lookups()
                        .toArray(lakeops.features.FeatureLookup[]::new))
                .data());
    assertThat(scored.select("flight_time", "origin", "prediction").collectAsList())
        .containsExactlyInAnyOrderElementsOf(
            expected.select("flight_time", "origin", "prediction").collectAsList());
  }
}
