package lakeops.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobProperties;

/**
 * The whole reference architecture on one machine: the same code runs in dev, then in staging (a
 * small slice and the staging tests), then in prod, each environment in its own JVM as its own jobs
 * would run (a JVM's storage guard only ever narrows, so one JVM cannot act as two environments).
 * Ends with a summary of what each environment wrote.
 *
 * <pre>{@code ReferenceArchitecture.of(home).small(true).run(System.out);}</pre>
 */
public final class ReferenceArchitecture {

  private final LakeOpsHome home;
  private final boolean small;
  private final long syntheticRows;
  private final List<String> stageArguments;
  private final Map<String, String> stageEnvironment;
  private final boolean rerun;

  private ReferenceArchitecture(
      LakeOpsHome home,
      boolean small,
      long syntheticRows,
      List<String> stageArguments,
      Map<String, String> stageEnvironment,
      boolean rerun) {
    this.home = home;
    this.small = small;
    this.syntheticRows = syntheticRows;
    this.stageArguments = List.copyOf(stageArguments);
    this.stageEnvironment = Map.copyOf(stageEnvironment);
    this.rerun = rerun;
  }

  /** The architecture of {@code home}'s environments, on the real flights. */
  public static ReferenceArchitecture of(LakeOpsHome home) {
    return new ReferenceArchitecture(home, false, 0, List.of(), Map.of(), false);
  }

  /** Runs the same path on a few thousand synthetic flights (for CI). */
  public ReferenceArchitecture small(boolean value) {
    return new ReferenceArchitecture(
        home, value, syntheticRows, stageArguments, stageEnvironment, rerun);
  }

  /** Runs it on {@code rows} synthetic flights per environment (0: the real file). */
  public ReferenceArchitecture syntheticRows(long rows) {
    return new ReferenceArchitecture(home, small, rows, stageArguments, stageEnvironment, rerun);
  }

  /** Passes {@code arguments} on to every environment's {@code quickstart --env} run. */
  public ReferenceArchitecture stageArguments(List<String> arguments) {
    return new ReferenceArchitecture(
        home, small, syntheticRows, arguments, stageEnvironment, rerun);
  }

  /**
   * Sets {@code variables} in every environment's process (e.g. {@code
   * LAKEOPS_MLFLOW_TRACKING_URI}).
   */
  public ReferenceArchitecture stageEnvironment(Map<String, String> variables) {
    return new ReferenceArchitecture(home, small, syntheticRows, stageArguments, variables, rerun);
  }

  /**
   * Runs every environment's stage even when it already passed with the same code, settings and
   * landing files (by default such a stage is not run again).
   */
  public ReferenceArchitecture rerun(boolean value) {
    return new ReferenceArchitecture(
        home, small, syntheticRows, stageArguments, stageEnvironment, value);
  }

  /**
   * Runs dev, staging and prod in order, stopping at the first that fails. A stage that passed
   * before with the same fingerprint ({@link StageFingerprint}), after the same stages, is not run
   * again: its last summary is shown.
   *
   * @return 0 when every environment passed, else the failing environment's exit code
   */
  public int run(PrintStream out) {
    long started = System.nanoTime();
    Environments environments = Environments.load(home);
    List<String> order = QuickstartStage.order(environments.all().keySet());
    Map<String, Properties> summaries = new LinkedHashMap<>();
    String before = "";
    for (String environment : order) {
      Path summary = QuickstartStage.summaryFile(home, environment);
      List<String> command = command(environment);
      String fingerprint =
          StageFingerprint.of(home, environment, command, stageEnvironment, before);
      before = fingerprint;
      out.printf("%n######## %s ########%n", environment);
      Properties last = read(summary);
      if (!rerun
          && fingerprint.equals(last.getProperty(QuickstartProperties.FINGERPRINT_KEY))
          && storageExists(environments, environment)) {
        out.printf(
            "[%s] unchanged since it last passed (same code, settings and landing files, after the"
                + " same stages): not run again (--rerun runs it)%n",
            environment);
        last.setProperty(
            QuickstartProperties.SECONDS_KEY,
            "0.0; unchanged, last run " + last.getProperty(QuickstartProperties.SECONDS_KEY, "?"));
        summaries.put(environment, last);
        continue;
      }
      deleteIfExists(summary);
      long stageStarted = System.nanoTime();
      int exit = runEnvironment(environment, command, out);
      double seconds = (System.nanoTime() - stageStarted) / 1e9;
      if (exit != 0) {
        out.printf(
            "%nError: the %s stage failed (exit %d) after %.1f s%n", environment, exit, seconds);
        return exit;
      }
      Properties read = read(summary);
      read.setProperty(QuickstartProperties.SECONDS_KEY, String.format("%.1f", seconds));
      read.setProperty(QuickstartProperties.FINGERPRINT_KEY, fingerprint);
      QuickstartStage.writeSummary(home, environment, read);
      summaries.put(environment, read);
    }
    printSummary(out, summaries, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  /** Whether the environment's storage is still there (an S3 root is taken to be). */
  private static boolean storageExists(Environments environments, String environment) {
    java.net.URI root = java.net.URI.create(environments.storageRoot(environment));
    return !"file".equals(root.getScheme()) || Files.isDirectory(Path.of(root));
  }

  private List<String> command(String environment) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-agentlib:jdwp")) {
        command.add(option);
      }
    }
    command.add("-Dlakeops.home=" + home.root());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(JobProperties.LAKEOPS_MAIN_CLASS);
    command.add("quickstart");
    command.add("--env");
    command.add(environment);
    if (small) {
      command.add("--small");
    } else if (syntheticRows > 0) {
      command.add("--synthetic-rows");
      command.add(Long.toString(syntheticRows));
    }
    command.addAll(stageArguments);
    return command;
  }

  private int runEnvironment(String environment, List<String> command, PrintStream out) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(stageEnvironment);
    try {
      Process process = builder.start();
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          out.println("[" + environment + "] " + line);
        }
      }
      return process.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the " + environment + " stage", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private void printSummary(PrintStream out, Map<String, Properties> summaries, double seconds) {
    out.printf("%n######## Summary (%.1f s) ########%n", seconds);
    for (Map.Entry<String, Properties> each : summaries.entrySet()) {
      Properties p = each.getValue();
      out.printf("%s (%s s)%n", each.getKey(), p.getProperty(QuickstartProperties.SECONDS_KEY));
      p.stringPropertyNames().stream()
          .filter(
              k ->
                  !k.equals(QuickstartProperties.SECONDS_KEY)
                      && !k.equals(QuickstartProperties.FINGERPRINT_KEY))
          .sorted()
          .forEach(k -> out.printf("  %-28s %s%n", k, p.getProperty(k)));
    }
    String last =
        summaries.isEmpty() ? "prod" : List.copyOf(summaries.keySet()).get(summaries.size() - 1);
    out.printf(
        "SQL endpoint: bin/lakeops sql-server --env %s --port %d  (then pyspark --remote"
            + " sc://127.0.0.1:%d, or the notebooks of notebooks/)%n",
        last, QuickstartProperties.SQL_ENDPOINT_PORT, QuickstartProperties.SQL_ENDPOINT_PORT);
  }

  private static Properties read(Path file) {
    Properties properties = new Properties();
    if (Files.isRegularFile(file)) {
      try (var reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return properties;
  }

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
