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
 * The whole reference architecture on one machine: the same code runs in dev and, side by side, in
 * staging (a small slice and the staging tests), then in prod once both passed, each environment in
 * its own JVM as its own jobs would run (a JVM's storage guard only ever narrows, so one JVM cannot
 * act as two environments). Ends with a summary of what each environment wrote.
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
   * Runs dev and staging side by side (staging tests the same code as dev, and neither reads what
   * the other writes), then prod once both passed; stops at the first wave that fails. A stage that
   * passed before with the same fingerprint ({@link StageFingerprint}), after the same stages, is
   * not run again: its last summary is shown.
   *
   * @return 0 when every environment passed, else the first failing environment's exit code
   */
  public int run(PrintStream out) {
    long started = System.nanoTime();
    Environments environments = Environments.load(home);
    List<Stage> stages = new ArrayList<>();
    String before = "";
    for (String environment : QuickstartStage.order(environments.all().keySet())) {
      List<String> command = command(environment);
      before = StageFingerprint.of(home, environment, command, stageEnvironment, before);
      stages.add(new Stage(environment, command, before));
    }
    Map<String, Properties> summaries = new LinkedHashMap<>();
    for (List<Stage> wave : waves(stages)) {
      int exit = runWave(wave, environments, summaries, out);
      if (exit != 0) {
        return exit;
      }
    }
    printSummary(out, summaries, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  /** An environment's stage: its command line and fingerprint. */
  private record Stage(String environment, List<String> command, String fingerprint) {}

  /** The stages before prod as one wave, then each prod stage on its own. */
  private static List<List<Stage>> waves(List<Stage> stages) {
    List<List<Stage>> waves = new ArrayList<>();
    List<Stage> beforeProd = new ArrayList<>();
    for (Stage stage : stages) {
      if (QuickstartStage.of(stage.environment()) == QuickstartStage.PRODUCTION) {
        if (!beforeProd.isEmpty()) {
          waves.add(List.copyOf(beforeProd));
          beforeProd.clear();
        }
        waves.add(List.of(stage));
      } else {
        beforeProd.add(stage);
      }
    }
    if (!beforeProd.isEmpty()) {
      waves.add(beforeProd);
    }
    return waves;
  }

  /**
   * Runs the stages of {@code wave} that changed, side by side; returns the first failure's exit.
   */
  private int runWave(
      List<Stage> wave,
      Environments environments,
      Map<String, Properties> summaries,
      PrintStream out) {
    Map<String, Properties> done = new LinkedHashMap<>();
    List<Stage> changed = new ArrayList<>();
    for (Stage stage : wave) {
      String environment = stage.environment();
      out.printf("%n######## %s ########%n", environment);
      Properties last = read(QuickstartStage.summaryFile(home, environment));
      if (!rerun
          && stage.fingerprint().equals(last.getProperty(QuickstartProperties.FINGERPRINT_KEY))
          && storageExists(environments, environment)) {
        out.printf(
            "[%s] unchanged since it last passed (same code, settings and landing files, after the"
                + " same stages): not run again (--rerun runs it)%n",
            environment);
        last.setProperty(
            QuickstartProperties.SECONDS_KEY,
            "0.0; unchanged, last run " + last.getProperty(QuickstartProperties.SECONDS_KEY, "?"));
        done.put(environment, last);
      } else {
        changed.add(stage);
      }
    }
    if (changed.size() > 1) {
      out.printf(
          "Running %s side by side: the same code, and none reads what another writes%n",
          changed.stream().map(Stage::environment).toList());
    }
    Map<Stage, Ran> ran = runStages(changed, out);
    int failed = 0;
    for (Stage stage : changed) {
      Ran result = ran.get(stage);
      if (result.exit() != 0) {
        out.printf(
            "%nError: the %s stage failed (exit %d) after %.1f s%n",
            stage.environment(), result.exit(), result.seconds());
        failed = failed == 0 ? result.exit() : failed;
        continue;
      }
      Properties read = read(QuickstartStage.summaryFile(home, stage.environment()));
      read.setProperty(QuickstartProperties.SECONDS_KEY, String.format("%.1f", result.seconds()));
      read.setProperty(QuickstartProperties.FINGERPRINT_KEY, stage.fingerprint());
      QuickstartStage.writeSummary(home, stage.environment(), read);
      done.put(stage.environment(), read);
    }
    for (Stage stage : wave) {
      if (done.containsKey(stage.environment())) {
        summaries.put(stage.environment(), done.get(stage.environment()));
      }
    }
    return failed;
  }

  /** How a stage's process ended. */
  private record Ran(int exit, double seconds) {}

  /** Starts every stage's process, prints their lines as they come, and waits for them all. */
  private Map<Stage, Ran> runStages(List<Stage> stages, PrintStream out) {
    Map<Stage, Process> processes = new LinkedHashMap<>();
    Map<Stage, Thread> printers = new LinkedHashMap<>();
    // Each stage's own time: its output ends when it does (a side-by-side stage may end first).
    Map<Stage, Long> ended = new java.util.concurrent.ConcurrentHashMap<>();
    long started = System.nanoTime();
    try {
      for (Stage stage : stages) {
        deleteIfExists(QuickstartStage.summaryFile(home, stage.environment()));
        ProcessBuilder builder = new ProcessBuilder(stage.command()).redirectErrorStream(true);
        builder.environment().putAll(stageEnvironment);
        Process process = builder.start();
        processes.put(stage, process);
        Thread printer =
            new Thread(
                () -> {
                  print(stage.environment(), process, out);
                  ended.put(stage, System.nanoTime());
                });
        printer.setName("quickstart-" + stage.environment());
        printer.start();
        printers.put(stage, printer);
      }
      Map<Stage, Ran> ran = new LinkedHashMap<>();
      for (Map.Entry<Stage, Process> each : processes.entrySet()) {
        int exit = each.getValue().waitFor();
        printers.get(each.getKey()).join();
        long end = ended.getOrDefault(each.getKey(), System.nanoTime());
        ran.put(each.getKey(), new Ran(exit, (end - started) / 1e9));
      }
      return ran;
    } catch (IOException e) {
      processes.values().forEach(Process::destroy);
      throw new UncheckedIOException("Cannot start a quickstart stage", e);
    } catch (InterruptedException e) {
      processes.values().forEach(Process::destroy);
      Thread.currentThread().interrupt();
      Map<Stage, Ran> interrupted = new LinkedHashMap<>();
      stages.forEach(stage -> interrupted.put(stage, new Ran(130, 0)));
      return interrupted;
    }
  }

  private static void print(String environment, Process process, PrintStream out) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.println("[" + environment + "] " + line);
      }
    } catch (IOException e) {
      out.println("[" + environment + "] (output lost: " + e.getMessage() + ")");
    }
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
