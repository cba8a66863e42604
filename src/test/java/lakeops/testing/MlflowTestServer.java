package lakeops.testing;

import lakeops.env.LakeOpsHome;
import lakeops.mlflow.MlflowServer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: the real MLflow tracking server of the test JVM, started once (through {@code
 * scripts/mlflow-server}, so the project venv is created if missing) on its own port and store
 * under {@code target/}, and stopped when the JVM exits.
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
    startOnce();
  }

  /**
   * Once per JVM, stopped when the JVM exits: Surefire runs each test class of a parallel fork as a
   * run of its own, so the root extension context would close (and wipe) the server per class.
   */
  private static synchronized void startOnce() {
    if (server != null) {
      return;
    }
    LakeOpsHome project = LakeOpsHome.at(TestHome.projectDir());
    java.nio.file.Path data = TestHome.forkDir("mlflow-test");
    MlflowServer started = MlflowServer.of(project, PORT, data);
    started.stop();
    TestHome.deleteRecursively(data);
    started.start();
    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "mlflow-test-server-stop"));
    server = started;
  }

  /** The running test server (after the extension ran). */
  public static MlflowServer server() {
    return server;
  }
}
