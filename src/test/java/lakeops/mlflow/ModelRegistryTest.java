package lakeops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import lakeops.env.LakeOpsHome;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Model Registry and proxied artifact store over REST, against the real MLflow server of the
 * test JVM; retries against a second server of our own that is stopped and restarted.
 */
@ExtendWith(MlflowTestServer.class)
class ModelRegistryTest {

  /** Port of this class's own server, stopped and restarted by the retry tests. */
  private static final int RESTART_PORT =
      Integer.parseInt(System.getenv().getOrDefault("LAKEOPS_TEST_MLFLOW_RESTART_PORT", "5058"));

  private final MlflowRest rest = MlflowRest.of(MlflowTestServer.server().url());
  private final ModelRegistry registry = new ModelRegistry(rest);

  @Test
  void registryRoundTripCreateVersionAliasStageTagSearchDownload() throws IOException {
    String name = "dev.ml.registry_test_" + System.nanoTime();
    RunPublisher.LoggedRun run = logRunWithModel("registry-test");

    RegisteredModel created = registry.createModel(name, "a test model");
    assertThat(registry.createModel(name, "a test model"))
        .as("creating twice returns the model")
        .extracting(RegisteredModel::name)
        .isEqualTo(created.name());
    ModelVersion v1 = registry.createVersion(name, run.modelUri(), run.runId());
    assertThat(registry.createVersion(name, run.modelUri(), run.runId()).version())
        .as("a retried create returns the same version")
        .isEqualTo(v1.version());
    RunPublisher.LoggedRun second = logRunWithModel("registry-test-2");
    ModelVersion v2 = registry.createVersion(name, second.modelUri(), second.runId());
    assertThat(v2.version()).isEqualTo(v1.version() + 1);

    registry.setAlias(name, "champion", v1.version());
    registry.setAlias(name, "challenger", v2.version());
    assertThat(registry.versionByAlias(name, "champion"))
        .get()
        .extracting(ModelVersion::version)
        .isEqualTo(v1.version());
    assertThat(registry.model(name))
        .get()
        .extracting(RegisteredModel::aliases)
        .isEqualTo(Map.of("champion", v1.version(), "challenger", v2.version()));
    registry.deleteAlias(name, "challenger");
    registry.deleteAlias(name, "challenger");
    assertThat(registry.versionByAlias(name, "challenger")).isEmpty();

    assertThat(registry.transitionStage(name, v1.version(), "production", false).stage())
        .isEqualTo("Production");
    assertThat(registry.resolve("models:/" + name + "/Production").version())
        .isEqualTo(v1.version());
    assertThatThrownBy(() -> registry.transitionStage(name, v1.version(), "Live", false))
        .hasMessageContaining(
            "Invalid stage 'Live': expected one of [None, Staging, Production, Archived]");
    registry.setModelTag(name, "team", "delays");
    registry.setVersionTag(name, v2.version(), "validated", "false");
    assertThat(registry.model(name).get().tags()).containsEntry("team", "delays");
    assertThat(registry.version(name, v2.version()).tags()).containsEntry("validated", "false");

    assertThat(registry.searchModels("name LIKE '" + name + "%'"))
        .extracting(RegisteredModel::name)
        .containsExactly(name);
    assertThat(registry.searchVersions(name, null))
        .extracting(ModelVersion::version)
        .containsExactly(v2.version(), v1.version());

    Path byAlias = Files.createTempDirectory("by-alias");
    assertThat(registry.download("models:/" + name + "@champion", byAlias).version())
        .isEqualTo(v1.version());
    assertThat(Files.readString(byAlias.resolve("MLmodel"))).contains("run_id: " + run.runId());
    assertThat(byAlias.resolve("sparkml/metadata/part-00000")).hasContent("registry-test");
    Path byVersion = Files.createTempDirectory("by-version");
    registry.download("models:/" + name + "/" + v2.version(), byVersion);
    assertThat(byVersion.resolve("sparkml/metadata/part-00000")).hasContent("registry-test-2");
    assertThatThrownBy(() -> registry.resolve("models:/" + name + "@nobody"))
        .hasMessageContaining("model " + name + " has no alias 'nobody'");
  }

  @Test
  void callsWaitForAStoppedServerToComeBackAndFailClearlyWhenItDoesNot() throws Exception {
    LakeOpsHome project = LakeOpsHome.at(TestHome.projectDir());
    Path data = TestHome.projectDir().resolve("target").resolve("mlflow-restart-test");
    MlflowServer server = MlflowServer.of(project, RESTART_PORT, data);
    server.stop();
    TestHome.deleteRecursively(data);
    server.start();
    try {
      ModelRegistry restarted =
          new ModelRegistry(MlflowRest.of(server.url(), RetryPolicy.of(Duration.ofSeconds(180))));
      restarted.createModel("dev.ml.before_restart", null);
      server.stop();
      CompletableFuture<Void> comeBack =
          CompletableFuture.runAsync(
              () -> {
                sleep(Duration.ofSeconds(3));
                server.start();
              });
      RegisteredModel created = restarted.createModel("dev.ml.during_restart", null);
      comeBack.join();
      assertThat(created.name()).isEqualTo("dev.ml.during_restart");
      assertThat(restarted.searchModels(null))
          .extracting(RegisteredModel::name)
          .contains("dev.ml.before_restart", "dev.ml.during_restart");

      server.stop();
      ModelRegistry impatient =
          new ModelRegistry(MlflowRest.of(server.url(), RetryPolicy.of(Duration.ofSeconds(2))));
      assertThatThrownBy(() -> impatient.createModel("dev.ml.never", null))
          .isInstanceOf(MlflowRestException.class)
          .hasMessageContaining(
              "Cannot POST registered-models/create at MLflow server " + server.url())
          .hasMessageContaining("the server is down or overloaded")
          .satisfies(e -> assertThat(((MlflowRestException) e).unreachable()).isTrue());
    } finally {
      server.stop();
    }
  }

  @Test
  void clientErrorsAreNotRetriedAndCarryMlflowsErrorCode() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> registry.version("dev.ml.no_such_model", 1))
        .isInstanceOf(MlflowRestException.class)
        .satisfies(
            e ->
                assertThat(((MlflowRestException) e).errorCode())
                    .isEqualTo("RESOURCE_DOES_NOT_EXIST"));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(registry.model("dev.ml.no_such_model")).isEmpty();
  }

  /** A run with a fake model (an MLmodel and one data file) logged under {@code model/}. */
  private RunPublisher.LoggedRun logRunWithModel(String marker) throws IOException {
    Path model = Files.createTempDirectory("model");
    Files.writeString(model.resolve("MLmodel"), "flavors: {}");
    Files.createDirectories(model.resolve("sparkml/metadata"));
    Files.writeString(model.resolve("sparkml/metadata/part-00000"), marker);
    RunRecord record =
        new RunRecord(
            "/lakeops/test/registry",
            marker,
            System.currentTimeMillis(),
            System.currentTimeMillis(),
            Map.of("p", "1"),
            Map.of("m", 1.0),
            Map.of(),
            List.of(),
            List.of());
    return new RunPublisher(rest).publish(record, model, null);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
