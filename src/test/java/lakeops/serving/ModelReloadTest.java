package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.testing.MlflowTestServer;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hot reload under load: clients send batches without pause while the alias moves from version 1 to
 * version 2 (which predicts the opposite) and then to a version that cannot load. No request fails,
 * every answer is one version's predictions for the whole batch (never a mix), version 2 serves
 * once swapped in, and the broken version leaves it serving, with the reason in /version.
 */
@ExtendWith(MlflowTestServer.class)
class ModelReloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "dev.ml.serve_reload";
  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void aliasMovesUnderConcurrentRequestsWithoutAFailedRequest() throws Exception {
    PipelineModel first = ServingFixture.fit(false);
    PipelineModel second = ServingFixture.fit(true);
    ModelVersion v1 = ServingFixture.register(NAME, ServingFixture.write(first));
    ModelVersion v2 = ServingFixture.register(NAME, ServingFixture.write(second));
    ModelVersion v3 = ServingFixture.register(NAME, ServingFixture.broken(first));
    ModelRegistry registry = ServingFixture.registry();
    registry.setAlias(NAME, "champion", v1.version());
    List<Row> batch = ServingFixture.rows(10, 21, false);
    List<Double> fromFirst = ServingFixture.sparkPredictions(first, batch);
    List<Double> fromSecond = ServingFixture.sparkPredictions(second, batch);
    assertThat(fromFirst).isNotEqualTo(fromSecond);
    String body = ServingFixture.split(batch);

    try (ModelServer server =
        ModelServer.start(
            ServingFixture.session(),
            registry,
            ServingSpec.builder(NAME + "@champion")
                .port(0)
                .pollInterval(Duration.ofMillis(200))
                .withoutInferenceLog()
                .build())) {
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger answered = new AtomicInteger();
      List<String> failures = new CopyOnWriteArrayList<>();
      Set<List<Double>> seen = ConcurrentHashMap.newKeySet();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        Thread client =
            new Thread(
                () -> {
                  while (running.get()) {
                    try {
                      HttpResponse<String> response =
                          ServingFixture.post(server.url(), "application/json", body, null);
                      List<Double> predictions = ModelServerTest.predictions(response);
                      if (response.statusCode() != 200
                          || !(predictions.equals(fromFirst) || predictions.equals(fromSecond))) {
                        failures.add(response.statusCode() + " " + response.body());
                      }
                      seen.add(predictions);
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                    answered.incrementAndGet();
                  }
                });
        client.start();
        clients.add(client);
      }
      waitFor(() -> answered.get() > 20);
      assertThat(server.live().version()).isEqualTo(v1.version());

      registry.setAlias(NAME, "champion", v2.version());
      waitFor(() -> server.live().version() == v2.version());
      int afterSwitch = answered.get();
      waitFor(() -> answered.get() > afterSwitch + 20);

      registry.setAlias(NAME, "champion", v3.version());
      waitFor(
          () ->
              version(server)
                  .path("reload")
                  .path("failed")
                  .path("version")
                  .asText()
                  .equals(Integer.toString(v3.version())));
      int afterFailure = answered.get();
      waitFor(() -> answered.get() > afterFailure + 20);
      running.set(false);
      for (Thread client : clients) {
        client.join();
      }

      assertThat(failures).isEmpty();
      assertThat(seen).containsExactlyInAnyOrder(fromFirst, fromSecond);
      JsonNode info = version(server);
      assertThat(info.path("model_version").asText()).isEqualTo(Integer.toString(v2.version()));
      assertThat(info.path("reload").path("last_switch").asText())
          .startsWith("version " + v1.version() + " to " + v2.version());
      assertThat(info.path("reload").path("failed").path("reason").asText())
          .contains("Cannot load models:/" + NAME + "/" + v3.version());
      assertThat(
              ModelServerTest.predictions(
                  ServingFixture.post(server.url(), "application/json", body, null)))
          .isEqualTo(fromSecond);
    }
  }

  private static JsonNode version(ModelServer server) {
    try {
      return JSON.readTree(ServingFixture.get(server.url(), "/version", null).body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s", WAIT).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
