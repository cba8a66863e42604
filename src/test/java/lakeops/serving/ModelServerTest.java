package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lakeops.mlflow.ModelVersion;
import lakeops.testing.MlflowTestServer;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server over HTTP with a registered model: every request format of MLflow's scoring protocol
 * gives Spark's predictions, every kind of bad input gets a 4xx naming what was wrong while the
 * server keeps serving, the token is required, and single-row requests launch no Spark job.
 */
@ExtendWith(MlflowTestServer.class)
class ModelServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "dev.ml.serve_protocol";
  private static final String TOKEN = "s3cret-token-for-tests";

  private static PipelineModel model;
  private static ModelVersion version;
  private static ModelServer server;
  private static List<Row> rows;
  private static List<Double> expected;

  @BeforeAll
  static void serve() {
    model = ServingFixture.fit(false);
    version = ServingFixture.register(NAME, ServingFixture.write(model));
    ServingFixture.registry().setAlias(NAME, "champion", version.version());
    server =
        ModelServer.start(
            ServingFixture.session(),
            ServingFixture.registry(),
            ServingSpec.builder(NAME + "@champion")
                .port(0)
                .token(TOKEN)
                .maxRows(50)
                .maxBodyBytes(20_000)
                .withoutInferenceLog()
                .build());
    rows = ServingFixture.rows(20, 11, true);
    expected = ServingFixture.sparkPredictions(model, rows);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyRequestFormatGivesSparksPredictions() throws Exception {
    String columns = "[\"flight_time\", \"origin\", \"distance_miles\", \"temp\"]";
    List<String> records = new ArrayList<>();
    List<String> arrays = new ArrayList<>();
    StringBuilder times = new StringBuilder();
    StringBuilder origins = new StringBuilder();
    StringBuilder distances = new StringBuilder();
    StringBuilder temps = new StringBuilder();
    StringBuilder csv = new StringBuilder("origin,temp,flight_time,distance_miles\n");
    for (Row row : rows) {
      String temp = row.isNullAt(3) ? "null" : Double.toString(row.getDouble(3));
      records.add(
          String.format(
              "{\"flight_time\": \"%s\", \"origin\": \"%s\", \"distance_miles\": %d, "
                  + "\"temp\": %s}",
              ServingFixture.iso(row.getTimestamp(0)), row.getString(1), row.getInt(2), temp));
      arrays.add("[" + ServingFixture.values(row) + "]");
      String sep = times.length() == 0 ? "" : ",";
      times.append(sep).append('"').append(ServingFixture.iso(row.getTimestamp(0))).append('"');
      origins.append(sep).append('"').append(row.getString(1)).append('"');
      distances.append(sep).append(row.getInt(2));
      temps.append(sep).append(temp);
      csv.append(row.getString(1))
          .append(',')
          .append(row.isNullAt(3) ? "" : temp)
          .append(',')
          .append(row.getTimestamp(0).toInstant())
          .append(',')
          .append(row.getInt(2))
          .append('\n');
    }
    String columnar =
        String.format(
            "{\"flight_time\": [%s], \"origin\": [%s], \"distance_miles\": [%s], "
                + "\"temp\": [%s]}",
            times, origins, distances, temps);
    List<String> bodies =
        List.of(
            ServingFixture.split(rows),
            "{\"dataframe_records\": [" + String.join(",", records) + "]}",
            "{\"instances\": [" + String.join(",", records) + "]}",
            "{\"instances\": [" + String.join(",", arrays) + "]}",
            "{\"inputs\": " + columnar + ", \"params\": {}}",
            "{\"inputs\": [" + String.join(",", records) + "]}");
    for (String body : bodies) {
      HttpResponse<String> response =
          ServingFixture.post(server.url(), "application/json", body, TOKEN);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(predictions(response)).as(body).isEqualTo(expected);
    }
    HttpResponse<String> fromCsv =
        ServingFixture.post(server.url(), "text/csv; charset=utf-8", csv.toString(), TOKEN);
    assertThat(fromCsv.statusCode()).as(fromCsv.body()).isEqualTo(200);
    assertThat(predictions(fromCsv)).isEqualTo(expected);
    assertThat(fromCsv.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void badInputGets4xxNamingTheProblemAndTheServerKeepsServing() throws Exception {
    String good = ServingFixture.split(rows.subList(0, 1));
    String row = "\"2024-03-01T10:00:00\", \"ORD\", 700, 12.5";
    assertError(
        post(
            "application/json",
            "{\"dataframe_split\": {\"columns\": [\"flight_time\", \"origin\", "
                + "\"distance_miles\", \"temp\", \"gate\"], \"data\": [["
                + row
                + ", \"B7\"]]}}"),
        400,
        "unknown column 'gate'");
    assertError(
        post(
            "application/json",
            "{\"dataframe_records\": [{\"flight_time\": \"2024-03-01T10:00:00\", "
                + "\"origin\": \"ORD\", \"temp\": 1.0}]}"),
        400,
        "row 0 has no column 'distance_miles'");
    assertError(
        post(
            "application/json",
            "{\"dataframe_split\": {\"columns\": [\"flight_time\", \"origin\", "
                + "\"distance_miles\", \"temp\"], \"data\": [[\"2024-03-01T10:00:00\", \"ORD\", \"far\", 1.0]]}}"),
        400,
        "column 'distance_miles' of row 0 must be an integer, got \"far\"");
    assertError(
        post(
            "application/json",
            "{\"dataframe_split\": {\"columns\": [\"flight_time\", \"origin\", "
                + "\"distance_miles\", \"temp\"], \"data\": [[\"yesterday\", \"ORD\", 700, 1.0]]}}"),
        400,
        "column 'flight_time' of row 0 must be an ISO 8601 date-time string");
    assertError(
        post("application/json", "{\"instances\": [[" + row + ", 3]]}"),
        400,
        "row 0 has 5 values, expected 4");
    assertError(post("application/json", ""), 400, "the body is empty");
    assertError(
        post("application/json", "{\"dataframe_split\": {"), 400, "the body is not valid JSON");
    assertError(
        post("application/json", "[1, 2]"),
        400,
        "expected a JSON object with one of [dataframe_split");
    assertError(post("application/json", "{\"rows\": []}"), 400, "unknown key 'rows'");
    assertError(
        post("application/json", "{\"instances\": [], \"inputs\": []}"),
        400,
        "send exactly one of them");
    assertError(post("application/json", "{\"dataframe_records\": []}"), 400, "no rows to score");
    assertError(
        post("application/json", ServingFixture.split(ServingFixture.rows(51, 1, false))),
        400,
        "51 rows, at most 50 are allowed");
    assertError(
        post(
            "application/json",
            "{\"instances\": [" + ("[" + row + "],").repeat(600) + "[" + row + "]]}"),
        413,
        "at most 20000 are allowed");
    assertError(post("text/plain", good), 415, "content type 'text/plain'");
    assertError(post("text/csv", "origin,temp\nORD,1.0\n"), 400, "has no column 'flight_time'");
    assertError(ServingFixture.get(server.url(), "/invocations", TOKEN), 405, "use POST");
    assertError(
        ServingFixture.get(server.url(), "/predict", TOKEN), 404, "Invalid endpoint GET /predict");

    HttpResponse<String> after = post("application/json", good);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(predictions(after)).containsExactly(expected.get(0));
  }

  @Test
  void withoutTheTokenRequestsGet401() {
    HttpResponse<String> none =
        ServingFixture.post(
            server.url(), "application/json", ServingFixture.split(rows.subList(0, 1)), null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(none.body()).contains("\"error_code\":\"UNAUTHENTICATED\"").doesNotContain(TOKEN);
    assertThat(
            ServingFixture.post(
                    server.url(),
                    "application/json",
                    ServingFixture.split(rows.subList(0, 1)),
                    TOKEN + "x")
                .statusCode())
        .isEqualTo(401);
    assertThat(ServingFixture.get(server.url(), "/version", null).statusCode()).isEqualTo(401);
    assertThat(ServingFixture.get(server.url(), "/ping", "wrong").statusCode()).isEqualTo(401);
    assertThat(server.url()).startsWith("http://127.0.0.1:");
    assertThat(ServingSpec.builder(NAME).token(TOKEN).build().toString())
        .doesNotContain(TOKEN)
        .contains("bearer token from the API");
  }

  @Test
  void pingHealthAndVersionTellWhatIsServed() throws Exception {
    HttpResponse<String> ping = ServingFixture.get(server.url(), "/ping", TOKEN);
    assertThat(ping.statusCode()).isEqualTo(200);
    JsonNode health = JSON.readTree(ServingFixture.get(server.url(), "/health", TOKEN).body());
    assertThat(health.path("status").asText()).isEqualTo("ok");
    JsonNode info = JSON.readTree(ServingFixture.get(server.url(), "/version", TOKEN).body());
    assertThat(info.path("model_name").asText()).isEqualTo(NAME);
    assertThat(info.path("model_version").asText()).isEqualTo(Integer.toString(version.version()));
    assertThat(info.path("alias").asText()).isEqualTo("champion");
    assertThat(info.path("run_id").asText()).isEqualTo(version.runId());
    assertThat(info.path("loaded_at").asText()).isNotEmpty();
    assertThat(info.path("scored_in").asText()).isEqualTo("jvm");
    assertThat(info.path("plan").toString())
        .contains(
            "SQLTransformer: in the JVM (Catalyst expressions)",
            "LogisticRegressionModel: in the JVM",
            "input example: the JVM's 10 predictions equal Spark's");
    assertThat(server.live().local()).isTrue();
  }

  @Test
  void singleRowRequestsLaunchNoSparkJob() throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            String group =
                start.properties() == null
                    ? null
                    : start.properties().getProperty("spark.jobGroup.id");
            if (!ServingProperties.JOB_GROUP.equals(group)) {
              jobs.incrementAndGet();
            }
          }
        };
    ServingFixture.session().sparkContext().addSparkListener(listener);
    try {
      for (int i = 0; i < rows.size(); i++) {
        HttpResponse<String> response =
            post("application/json", ServingFixture.split(rows.subList(i, i + 1)));
        assertThat(predictions(response)).containsExactly(expected.get(i));
      }
      ServingFixture.session().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      ServingFixture.session().sparkContext().removeSparkListener(listener);
    }
    assertThat(jobs.get()).isZero();
  }

  @Test
  void specRefusesBadModelNamesAndOptions() {
    assertThat(ServingSpec.builder("models:/dev.ml.m/3").build().version()).hasValue(3);
    assertThat(ServingSpec.builder("dev.ml.m").build().alias()).hasValue("champion");
    assertThat(ServingSpec.builder("dev.ml.m@challenger").build().modelUri())
        .isEqualTo("models:/dev.ml.m@challenger");
    assertThatThrownBy(() -> ServingSpec.builder("dev.ml.m@"))
        .hasMessageContaining("Invalid model 'dev.ml.m@'");
    assertThatThrownBy(() -> ServingSpec.builder("m").port(70000))
        .hasMessageContaining("Invalid port '70000'");
    assertThat(ServingSpec.builder("m").build().host()).isEqualTo("127.0.0.1");
  }

  private static HttpResponse<String> post(String contentType, String body) {
    return ServingFixture.post(server.url(), contentType, body, TOKEN);
  }

  private static void assertError(HttpResponse<String> response, int status, String message)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = JSON.readTree(response.body());
    assertThat(error.path("error_code").asText())
        .isIn("BAD_REQUEST", "METHOD_NOT_ALLOWED", "ENDPOINT_NOT_FOUND");
    assertThat(error.path("message").asText()).contains(message);
  }

  static List<Double> predictions(HttpResponse<String> response) throws Exception {
    List<Double> values = new ArrayList<>();
    JSON.readTree(response.body()).path("predictions").forEach(p -> values.add(p.asDouble()));
    return values;
  }
}
