package lakeops.quickstart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import lakeops.env.LakeOpsHome;

/**
 * The project's local S3-compatible server ({@code scripts/s3-server}): started if it is not
 * running, its state (and credentials file) under the home's {@code .lakehouse/s3} unless {@code
 * LAKEOPS_S3_DIR} says otherwise.
 */
final class LocalS3Server {

  /** Environment variable naming the server's folder, as {@code scripts/s3-server} reads it. */
  static final String DIR_ENV = "LAKEOPS_S3_DIR";

  private LocalS3Server() {}

  /** The folder of the server's state and credentials file. */
  static Path dir(LakeOpsHome home) {
    String configured = System.getenv(DIR_ENV);
    return configured == null || configured.isBlank()
        ? home.lakehouseDir().resolve("s3")
        : home.resolve(configured);
  }

  /** Starts the server (or finds it running) and returns its endpoint. */
  static String start(LakeOpsHome home) {
    ProcessBuilder builder =
        new ProcessBuilder(
                home.installDir().resolve("scripts").resolve("s3-server").toString(), "start")
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put(DIR_ENV, dir(home).toString());
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "Cannot start the local S3 server: scripts/s3-server start failed (see its output above)");
      }
      return out.strip();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the local S3 server: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot start the local S3 server: interrupted", e);
    }
  }
}
