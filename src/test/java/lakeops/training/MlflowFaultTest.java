package lakeops.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.MlflowServer;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.mlflow.RetryPolicy;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.SharedSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real MLflow server stopped, for real, in the middle of publishing a trained model: during the
 * run's logging, an artifact upload, and a registration whose answer is lost after the server
 * committed it. A server that comes back within the retry budget ends in one published model (one
 * version for the run, its alias on it, its model whole); one that does not ends in a clear error
 * and no registered version. The client talks to the server through a small proxy that stops the
 * server when it sees the chosen request.
 */
@ExtendWith(MlflowTestServer.class)
class MlflowFaultTest extends SharedSpark {

  private static FaultProxy proxy;

  @BeforeAll
  static void startProxy() throws IOException {
    FlightDelayFixture.published();
    proxy = new FaultProxy(MlflowTestServer.server());
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
    MlflowTestServer.server().start();
  }

  /** A copy of the fixture's trained bundle, not yet published. */
  private static TrainingResult unpublished() throws IOException {
    TrainingResult trained = FlightDelayFixture.trainedLocally();
    Path copy = Files.createTempDirectory("lakeops-fault-bundle");
    try (Stream<Path> walk = Files.walk(trained.bundleDir())) {
      for (Path source : (Iterable<Path>) walk::iterator) {
        Path target = copy.resolve(trained.bundleDir().relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path manifest = copy.resolve(TrainingProperties.BUNDLE_FILE);
    ObjectMapper json = new ObjectMapper();
    ObjectNode node = (ObjectNode) json.readTree(manifest.toFile());
    node.remove("published");
    json.writeValue(manifest.toFile(), node);
    return new TrainingResult(
        trained.registeredModel(), copy, null, trained.metrics(), trained.trainingSeconds());
  }

  private static ModelTraining training() {
    return ModelTraining.of(spark(), home(), FlightDelayFixture.environment());
  }

  private static ModelRegistry registry() {
    return new ModelRegistry(MlflowRest.of(MlflowTestServer.server().url()));
  }

  private static void publishesOnceAfterRestart(String request, boolean answerLost)
      throws Exception {
    TrainingResult trained = unpublished();
    proxy.stopOn(request, answerLost, Duration.ofSeconds(3));
    TrainingResult published =
        training()
            .publish(trained, MlflowRest.of(proxy.url(), RetryPolicy.of(Duration.ofSeconds(180))));
    assertThat(proxy.fired()).as("the server was stopped on %s", request).isTrue();
    ModelRegistry registry = registry();
    List<ModelVersion> versions =
        registry.searchVersions(trained.registeredModel(), published.published().runId());
    assertThat(versions).as("one version for the run").hasSize(1);
    assertThat(versions.get(0).version()).isEqualTo(published.published().version());
    assertThat(
            registry
                .versionByAlias(trained.registeredModel(), published.published().alias())
                .orElseThrow()
                .version())
        .isEqualTo(published.published().version());
    Path model = Files.createTempDirectory("lakeops-fault-model");
    registry.download(published.modelUri(), model);
    assertThat(model.resolve("MLmodel")).exists();
    assertThat(model.resolve("sparkml/metadata")).exists();
  }

  @Test
  void serverStoppedDuringRunLoggingComesBackAndTheModelIsPublishedOnce() throws Exception {
    publishesOnceAfterRestart("runs/log-batch", false);
  }

  @Test
  void serverStoppedDuringArtifactUploadComesBackAndTheModelIsPublishedOnce() throws Exception {
    publishesOnceAfterRestart("mlflow-artifacts/artifacts/", false);
  }

  @Test
  void registrationWhoseAnswerIsLostIsNotRegisteredTwice() throws Exception {
    publishesOnceAfterRestart("model-versions/create", true);
  }

  @Test
  void serverGoneForGoodFailsClearlyWithoutARegisteredVersion() throws Exception {
    TrainingResult trained = unpublished();
    int before = registry().searchVersions(trained.registeredModel(), null).size();
    proxy.stopOn("model-versions/create", false, null);
    assertThatThrownBy(
            () ->
                training()
                    .publish(
                        trained, MlflowRest.of(proxy.url(), RetryPolicy.of(Duration.ofSeconds(4)))))
        .hasMessageContaining("Cannot log")
        .hasMessageContaining(trained.registeredModel())
        .hasMessageContaining(trained.bundleDir().toString());
    MlflowTestServer.server().start();
    assertThat(registry().searchVersions(trained.registeredModel(), null))
        .as("no version registered")
        .hasSize(before);
  }

  /**
   * Forwards requests to the real server; on the first request whose path contains the trigger it
   * stops the server (before forwarding it, or after, losing the answer) and starts it again after
   * a delay (never, if none).
   */
  private static final class FaultProxy implements AutoCloseable {
    private final MlflowServer server;
    private final HttpServer http;
    private final HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private volatile String trigger;
    private volatile boolean answerLost;
    private volatile Duration restartAfter;
    private volatile boolean fired;

    FaultProxy(MlflowServer server) throws IOException {
      this.server = server;
      this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext("/", this::forward);
      http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      http.start();
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    void stopOn(String path, boolean lost, Duration restart) {
      fired = false;
      answerLost = lost;
      restartAfter = restart;
      trigger = path;
    }

    boolean fired() {
      return fired;
    }

    private synchronized boolean fire(String path) {
      if (trigger == null || !path.contains(trigger)) {
        return false;
      }
      trigger = null;
      fired = true;
      return true;
    }

    private void stopServer() {
      server.stop();
      Duration restart = restartAfter;
      if (restart != null) {
        Thread restarter =
            new Thread(
                () -> {
                  try {
                    Thread.sleep(restart.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  }
                  server.start();
                });
        restarter.setDaemon(true);
        restarter.start();
      }
    }

    private void forward(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().toString();
      boolean fault = fire(path);
      if (fault && !answerLost) {
        stopServer();
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(server.url() + path))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        request.header("Content-Type", type);
      }
      int status;
      byte[] answer;
      try {
        HttpResponse<byte[]> response =
            client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        status = response.statusCode();
        answer = response.body();
      } catch (IOException e) {
        status = 502;
        answer = ("{\"error\": \"" + e.getClass().getSimpleName() + "\"}").getBytes();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = 502;
        answer = new byte[0];
      }
      if (fault && answerLost) {
        // The server committed the request; it goes down before its answer reaches the client.
        stopServer();
        status = 502;
        answer = "{\"error\": \"connection reset\"}".getBytes();
      }
      exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
