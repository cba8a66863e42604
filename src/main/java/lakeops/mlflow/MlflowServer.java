package lakeops.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lakeops.env.LakeOpsHome;

/**
 * The project's own MLflow tracking server (sqlite store, proxied artifacts, 127.0.0.1), managed by
 * {@code scripts/mlflow-server}. Used whenever an environment names no tracking URI.
 */
public final class MlflowServer {

  private final LakeOpsHome home;
  private final int port;
  private final Path dataDir;

  private MlflowServer(LakeOpsHome home, int port, Path dataDir) {
    this.home = home;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** The server of {@code home}, on the port and folder set by the environment or the defaults. */
  public static MlflowServer of(LakeOpsHome home) {
    String port = System.getenv(MlflowProperties.PORT_ENV);
    String dir = System.getenv(MlflowProperties.DIR_ENV);
    return new MlflowServer(
        home,
        port == null || port.isBlank() ? MlflowProperties.PORT_DEFAULT : port(port),
        dir == null || dir.isBlank()
            ? home.resolve(MlflowProperties.DIR_DEFAULT)
            : home.resolve(dir));
  }

  private static int port(String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw MlflowErrors.badPort(value);
    }
  }

  /** A server of {@code home} on {@code port} keeping its store in {@code dataDir}. */
  public static MlflowServer of(LakeOpsHome home, int port, Path dataDir) {
    return new MlflowServer(home, port, dataDir);
  }

  /** The server's address on 127.0.0.1. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The folder of the server's sqlite store and artifacts. */
  public Path dataDir() {
    return dataDir;
  }

  /** Starts the server unless it already answers, and returns its URL. */
  public String start() {
    run("start");
    return url();
  }

  /** Stops the server if it runs. */
  public void stop() {
    run("stop");
  }

  /** Whether the server answers its health check. */
  public boolean isRunning() {
    return run("status", true) == 0;
  }

  private void run(String action) {
    run(action, false);
  }

  private int run(String action, boolean statusOnly) {
    Path script = home.installDir().resolve(MlflowProperties.SERVER_SCRIPT);
    // Progress (venv creation, server start) goes to our stderr as it happens; stdout is the URL.
    ProcessBuilder builder =
        new ProcessBuilder(List.of("bash", script.toString(), action))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = builder.environment();
    env.put(MlflowProperties.PORT_ENV, Integer.toString(port));
    env.put(MlflowProperties.DIR_ENV, dataDir.toString());
    try {
      Process process = builder.start();
      String output = readAll(process.getInputStream());
      if (!process.waitFor(MlflowProperties.START_TIMEOUT_SECONDS_DEFAULT, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw MlflowErrors.serverTimedOut(
            action, url(), script, MlflowProperties.START_TIMEOUT_SECONDS_DEFAULT);
      }
      int exit = process.exitValue();
      if (exit != 0 && !statusOnly) {
        throw MlflowErrors.serverFailed(action, url(), script, exit, output);
      }
      return exit;
    } catch (IOException e) {
      throw MlflowErrors.cannotRun(script, action, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MlflowErrors.cannotRun(script, action, e);
    }
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
