package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lakeops.mlflow.ModelVersion;
import lakeops.monitoring.Monitors;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The inference log: every scored row of every request (single rows and batches, sent concurrently)
 * is in the Delta table once the server is closed the way a SIGTERM closes it, with its request id,
 * model version, prediction, latency and inputs; and an inference-log monitor profiles it.
 */
@ExtendWith(MlflowTestServer.class)
class InferenceLogTest {

  private static final String NAME = "dev.ml.serve_log";
  private static final String TABLE = "dev.serve_test.inference_log";

  @Test
  void everyServedRowIsLoggedAfterCloseAndTheMonitorReadsIt() throws Exception {
    ServingFixture.session().sql("DROP TABLE IF EXISTS " + TABLE);
    PipelineModel model = ServingFixture.fit(false);
    ModelVersion version = ServingFixture.register(NAME, ServingFixture.write(model));
    List<Row> rows = ServingFixture.rows(40, 31, true);
    List<Double> expected = ServingFixture.sparkPredictions(model, rows);

    ModelServer server =
        ModelServer.start(
            ServingFixture.session(),
            ServingFixture.registry(),
            ServingSpec.builder(NAME + "/" + version.version())
                .port(0)
                .inferenceLogTable(TABLE)
                .logFlushInterval(Duration.ofMillis(300))
                .build());
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      List<Row> one = rows.subList(i, i + 1);
      answers.add(clients.submit(() -> status(server, one)));
    }
    for (int i = 30; i < 40; i += 2) {
      List<Row> two = rows.subList(i, i + 2);
      answers.add(clients.submit(() -> status(server, two)));
    }
    answers.add(
        clients.submit(
            () ->
                ServingFixture.post(
                        server.url(),
                        "application/json",
                        "{\"dataframe_records\": [{\"origin\": 1}]}",
                        null)
                    .statusCode()));
    for (Future<Integer> answer : answers.subList(0, 35)) {
      assertThat(answer.get()).isEqualTo(200);
    }
    assertThat(answers.get(35).get()).as("a refused request is not logged").isEqualTo(400);
    clients.shutdown();
    server.close(); // what the shutdown hook runs on SIGTERM

    assertThat(server.loggedRows()).isEqualTo(40);
    List<Row> logged = ServingFixture.session().sql("SELECT * FROM " + TABLE).collectAsList();
    assertThat(logged).hasSize(40);
    assertThat(logged.stream().map(r -> r.getAs("request_id")).distinct().count()).isEqualTo(35);
    assertThat(logged.get(0).schema().fieldNames())
        .startsWith(
            "timestamp",
            "request_id",
            "model_name",
            "model_version",
            "prediction",
            "probability",
            "label",
            "latency_ms")
        .contains("flight_time", "origin", "distance_miles", "temp");
    java.util.Map<String, Double> byInputs = new java.util.HashMap<>();
    for (Row row : logged) {
      assertThat((String) row.getAs("model_name")).isEqualTo(NAME);
      assertThat((String) row.getAs("model_version"))
          .isEqualTo(Integer.toString(version.version()));
      assertThat((Double) row.getAs("latency_ms")).isPositive();
      assertThat(row.isNullAt(row.fieldIndex("label"))).isTrue();
      assertThat((Double) row.getAs("probability")).isBetween(0.0, 1.0);
      byInputs.put(
          key(row.getAs("flight_time"), row.getAs("origin"), row.getAs("distance_miles")),
          row.getAs("prediction"));
    }
    List<Double> loggedPredictions = new ArrayList<>();
    for (Row row : rows) {
      loggedPredictions.add(
          byInputs.get(key(row.getTimestamp(0), row.getString(1), row.getInt(2))));
    }
    assertThat(loggedPredictions).isEqualTo(expected);

    Path monitors = ServingFixture.testHome().confDir().resolve("monitors");
    Files.createDirectories(monitors);
    Files.writeString(
        monitors.resolve("serve_predictions.yml"),
        """
        name: serve_predictions
        table: serve_test.inference_log
        profile_type: inference_log
        timestamp_col: timestamp
        granularities: ["1 day"]
        inference_log:
          problem_type: classification
          prediction_col: prediction
          label_col: label
          model_id_col: model_version
          probability_col: probability
        """);
    Monitors.of(
            ServingFixture.session(),
            "dev",
            ServingFixture.testHome().confDir().resolve("monitors"))
        .refresh("serve_predictions");
    assertThat(
            ServingFixture.session()
                .sql(
                    "SELECT sum(count) FROM dev.monitoring.serve_predictions_profile_metrics "
                        + "WHERE column_name = 'prediction' AND slice_key IS NULL AND model_id = '"
                        + version.version()
                        + "'")
                .first()
                .getLong(0))
        .isEqualTo(40);
    TestHome.deleteRecursively(monitors.resolve("serve_predictions.yml"));
  }

  private static String key(Object time, Object origin, Object distance) {
    return time + "|" + origin + "|" + distance;
  }

  private static int status(ModelServer server, List<Row> rows) {
    HttpResponse<String> response =
        ServingFixture.post(server.url(), "application/json", ServingFixture.split(rows), null);
    return response.statusCode();
  }
}
