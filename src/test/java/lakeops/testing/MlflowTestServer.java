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

  /**
   * Port of the test server: not the default one, so a developer's own server is left alone; each
   * parallel test JVM uses its own (the base port plus 10 per further JVM).
   */
  public static final int PORT = basePort() + 10 * (TestHome.forkNumber() - 1);

  private static MlflowServer server;

  private static int basePort() {
    String configured = System.getenv("LAKEOPS_TEST_MLFLOW_PORT");
    return configured == null || configured.isBlank() ? 5056 : Integer.parseInt(configured.strip());
  }

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
    java.nio.file.Path data = TestHome.forkDir("mlflow-test");
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
