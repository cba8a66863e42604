package lakeops.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lakeops.env.LakeOpsHome;

/** Runs {@code bin/lakeops} as a separate process, the way a user does, against a test home. */
public final class CliProcess {

  /** What a finished process printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private static final long TIMEOUT_SECONDS = 900;

  private CliProcess() {}

  public static Result run(LakeOpsHome home, Map<String, String> env, String... args) {
    try {
      Path out = Files.createTempFile("lakeops-cli", ".out");
      Path err = Files.createTempFile("lakeops-cli", ".err");
      Process process = start(home, env, out, err, args);
      // A guard against a hung child, not a speed check: the quickstart trains a model on a busy CI
      // box.
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "bin/lakeops " + String.join(" ", args) + " ran over " + TIMEOUT_SECONDS + " s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("Cannot run bin/lakeops", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Starts {@code bin/lakeops args} without waiting, its output going to {@code out} and {@code
   * err}: for tests that kill it half-way ({@code bin/lakeops} execs the JVM, so the process is the
   * JVM).
   */
  public static Process start(
      LakeOpsHome home, Map<String, String> env, Path out, Path err, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(TestHome.projectDir().resolve("bin").resolve("lakeops").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("LAKEOPS_HOME", home.root().toString());
    builder.environment().put("LAKEOPS_DRIVER_MEMORY", "1g");
    builder.environment().put("JAVA_OPTS", "-Dspark.master=local[2] " + TestHome.SHORT_JVM_OPTIONS);
    builder.environment().putAll(env);
    return builder.start();
  }
}
