package lakeops.testing;

import lakeops.env.LakeOpsHome;
import lakeops.mlflow.MlflowServer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: the real MLflow tracking server of the test JVM, started once (through {@code
 * scripts/mlflow-server}, so the project venv is created if missing) on its own port and store
 * under {@code target/}, and stopped when the JVM's tests are done.
 */
public final class MlflowTestServer implements BeforeAllCallback {

  /** Port of the test server: not the default one, so a developer's own server is left alone. */
  public static final int PORT =
      Integer.parseInt(System.getenv().getOrDefault("LAKEOPS_TEST_MLFLOW_PORT", "5056"));

  private static MlflowServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            MlflowTestServer.class,
            key -> startServer(),
            ExtensionContext.Store.CloseableResource.class);
  }

  private static ExtensionContext.Store.CloseableResource startServer() {
    LakeOpsHome project = LakeOpsHome.at(TestHome.projectDir());
    java.nio.file.Path data = TestHome.projectDir().resolve("target").resolve("mlflow-test");
    server = MlflowServer.of(project, PORT, data);
    server.stop();
    TestHome.deleteRecursively(data);
    server.start();
    return server::stop;
  }

  /** The running test server (after the extension ran). */
  public static MlflowServer server() {
    return server;
  }
}
