package lakeops.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.testing.CliProcess;
import picocli.CommandLine;

/**
 * Runs the {@code lakeops} command line in the test JVM, on {@code home}, the way {@code
 * bin/lakeops} would in its own process: the commands print to {@code System.out}, which is caught
 * for the run. Sessions are made on the test JVM's running SparkContext.
 */
final class InProcessLakeOps {

  private InProcessLakeOps() {}

  static synchronized CliProcess.Result run(LakeOpsHome home, String... args) {
    String previousHome = System.getProperty(EnvironmentProperties.HOME_PROPERTY);
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setProperty(EnvironmentProperties.HOME_PROPERTY, home.root().toString());
    try (PrintStream caughtOut = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream caughtErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(caughtOut);
      System.setErr(caughtErr);
      CommandLine commandLine = LakeOps.commandLine();
      commandLine.setOut(new PrintWriter(caughtOut, true));
      commandLine.setErr(new PrintWriter(caughtErr, true));
      int exitCode = commandLine.execute(args);
      return new CliProcess.Result(
          exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
      if (previousHome == null) {
        System.clearProperty(EnvironmentProperties.HOME_PROPERTY);
      } else {
        System.setProperty(EnvironmentProperties.HOME_PROPERTY, previousHome);
      }
    }
  }
}
