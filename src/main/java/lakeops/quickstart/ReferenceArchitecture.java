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

  private ReferenceArchitecture(
      LakeOpsHome home,
      boolean small,
      long syntheticRows,
      List<String> stageArguments,
      Map<String, String> stageEnvironment) {
    this.home = home;
    this.small = small;
    this.syntheticRows = syntheticRows;
    this.stageArguments = List.copyOf(stageArguments);
    this.stageEnvironment = Map.copyOf(stageEnvironment);
  }

  /** The architecture of {@code home}'s environments, on the real flights. */
  public static ReferenceArchitecture of(LakeOpsHome home) {
    return new ReferenceArchitecture(home, false, 0, List.of(), Map.of());
  }

  /** Runs the same path on a few thousand synthetic flights (for CI). */
  public ReferenceArchitecture small(boolean value) {
    return new ReferenceArchitecture(home, value, syntheticRows, stageArguments, stageEnvironment);
  }

  /** Runs it on {@code rows} synthetic flights per environment (0: the real file). */
  public ReferenceArchitecture syntheticRows(long rows) {
    return new ReferenceArchitecture(home, small, rows, stageArguments, stageEnvironment);
  }

  /** Passes {@code arguments} on to every environment's {@code quickstart --env} run. */
  public ReferenceArchitecture stageArguments(List<String> arguments) {
    return new ReferenceArchitecture(home, small, syntheticRows, arguments, stageEnvironment);
  }

  /**
   * Sets {@code variables} in every environment's process (e.g. {@code
   * LAKEOPS_MLFLOW_TRACKING_URI}).
   */
  public ReferenceArchitecture stageEnvironment(Map<String, String> variables) {
    return new ReferenceArchitecture(home, small, syntheticRows, stageArguments, variables);
  }

  /**
   * Runs dev, staging and prod in order, stopping at the first that fails.
   *
   * @return 0 when every environment passed, else the failing environment's exit code
   */
  public int run(PrintStream out) {
    long started = System.nanoTime();
    List<String> order = QuickstartStage.order(Environments.load(home).all().keySet());
    Map<String, Properties> summaries = new LinkedHashMap<>();
    for (String environment : order) {
      Path summary = QuickstartStage.summaryFile(home, environment);
      deleteIfExists(summary);
      out.printf("%n######## %s ########%n", environment);
      long stageStarted = System.nanoTime();
      int exit = runEnvironment(environment, out);
      double seconds = (System.nanoTime() - stageStarted) / 1e9;
      if (exit != 0) {
        out.printf(
            "%nError: the %s stage failed (exit %d) after %.1f s%n", environment, exit, seconds);
        return exit;
      }
      Properties read = read(summary);
      read.setProperty("seconds", String.format("%.1f", seconds));
      summaries.put(environment, read);
    }
    printSummary(out, summaries, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  private int runEnvironment(String environment, PrintStream out) {
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
      out.printf("%s (%s s)%n", each.getKey(), p.getProperty("seconds"));
      p.stringPropertyNames().stream()
          .filter(k -> !k.equals("seconds"))
          .sorted()
          .forEach(k -> out.printf("  %-28s %s%n", k, p.getProperty(k)));
    }
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
