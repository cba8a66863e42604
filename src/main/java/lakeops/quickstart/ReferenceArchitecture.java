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
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobProperties;

/**
 * The whole reference architecture on one machine: the same code runs in dev and, side by side, in
 * staging (a small slice and the staging tests), then in prod once staging's tests passed (dev's
 * own run goes on alongside, at a lower priority), each environment in its own JVM as its own jobs
 * would run (a JVM's storage guard only ever narrows, so one JVM cannot act as two environments).
 * Ends with a summary of what each environment wrote.
 *
 * <pre>{@code ReferenceArchitecture.of(home).small(true).run(System.out);}</pre>
 */
public final class ReferenceArchitecture {

  private static final String NICE = "nice";
  private static final List<Path> NICE_PATH =
      List.of(Path.of("/usr/bin/nice"), Path.of("/bin/nice"));

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
   * the other writes), then prod as soon as staging passed (the gate: dev's own run goes on
   * alongside, at a lower priority, and does not hold prod back). A stage whose gate failed is not
   * run. A stage that passed before with the same fingerprint ({@link StageFingerprint}), after the
   * same stages, is not run again: its last summary is shown.
   *
   * @return 0 when every environment passed, else the first failing environment's exit code
   */
  public int run(PrintStream out) {
    long started = System.nanoTime();
    Environments environments = Environments.load(home);
    List<String> order = QuickstartStage.order(environments.all().keySet());
    List<Stage> stages = new ArrayList<>();
    String before = "";
    for (String environment : order) {
      List<String> command = command(environment, order.size() > 1);
      before = StageFingerprint.of(home, environment, command, stageEnvironment, before);
      stages.add(new Stage(environment, command, before, gates(environment, order)));
    }
    Map<String, Properties> summaries = new LinkedHashMap<>();
    Map<String, Integer> failed = new LinkedHashMap<>();
    runAll(stages, environments, summaries, failed, out);
    for (Stage stage : stages) {
      if (failed.containsKey(stage.environment())) {
        return failed.get(stage.environment());
      }
    }
    Map<String, Properties> ordered = new LinkedHashMap<>();
    order.forEach(environment -> ordered.put(environment, summaries.get(environment)));
    printSummary(out, ordered, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  /** An environment's stage: its command line, fingerprint and the stages it waits for. */
  private record Stage(
      String environment, List<String> command, String fingerprint, List<String> gates) {}

  /** A started stage: its process, the thread printing its lines, and when it started. */
  private record Running(Process process, Thread printer, long started) {}

  /** Prod waits for the staging stages (or, with none, for the others); the rest for nothing. */
  static List<String> gates(String environment, List<String> order) {
    if (QuickstartStage.of(environment) != QuickstartStage.PRODUCTION) {
      return List.of();
    }
    List<String> staging =
        order.stream().filter(e -> QuickstartStage.of(e) == QuickstartStage.STAGING).toList();
    return staging.isEmpty()
        ? order.stream().filter(e -> QuickstartStage.of(e) == QuickstartStage.DEVELOPMENT).toList()
        : staging;
  }

  /**
   * Starts each stage once its gates passed (or shows its last summary when it is unchanged),
   * prints their lines as they come, and waits for them all; fills {@code summaries} with the
   * stages that passed and {@code failed} with the exit codes of those that did not.
   */
  private void runAll(
      List<Stage> stages,
      Environments environments,
      Map<String, Properties> summaries,
      Map<String, Integer> failed,
      PrintStream out) {
    List<Stage> waiting = new ArrayList<>(stages);
    Map<Stage, Running> running = new LinkedHashMap<>();
    BlockingQueue<Stage> ended = new LinkedBlockingQueue<>();
    try {
      while (!waiting.isEmpty() || !running.isEmpty()) {
        List<Stage> started = new ArrayList<>();
        for (Stage stage : List.copyOf(waiting)) {
          Optional<String> failedGate =
              stage.gates().stream().filter(failed::containsKey).findAny();
          if (failedGate.isPresent()) {
            waiting.remove(stage);
            out.printf(
                "%n[%s] not run: the %s stage failed%n", stage.environment(), failedGate.get());
            failed.put(stage.environment(), failed.get(failedGate.get()));
          } else if (summaries.keySet().containsAll(stage.gates())) {
            waiting.remove(stage);
            out.printf("%n######## %s ########%n", stage.environment());
            Properties last = unchanged(stage, environments);
            if (last != null) {
              out.printf(
                  "[%s] unchanged since it last passed (same code, settings and landing files,"
                      + " after the same stages): not run again (--rerun runs it)%n",
                  stage.environment());
              summaries.put(stage.environment(), last);
            } else {
              running.put(stage, start(stage, ended, out));
              started.add(stage);
            }
          }
        }
        announce(started, running.keySet(), out);
        if (running.isEmpty()) {
          continue;
        }
        Stage done = ended.take();
        Running ran = running.remove(done);
        int exit = ran.process().waitFor();
        ran.printer().join();
        finish(done, exit, (System.nanoTime() - ran.started()) / 1e9, summaries, failed, out);
      }
    } catch (IOException e) {
      running.values().forEach(r -> stop(r.process()));
      throw new UncheckedIOException("Cannot start a quickstart stage", e);
    } catch (InterruptedException e) {
      running.values().forEach(r -> stop(r.process()));
      Thread.currentThread().interrupt();
      running.keySet().forEach(stage -> failed.put(stage.environment(), 130));
      waiting.forEach(stage -> failed.put(stage.environment(), 130));
    }
  }

  /** The stage's last summary when it passed before with the same fingerprint, else null. */
  private Properties unchanged(Stage stage, Environments environments) {
    String environment = stage.environment();
    Properties last = read(QuickstartStage.summaryFile(home, environment));
    if (rerun
        || !stage.fingerprint().equals(last.getProperty(QuickstartProperties.FINGERPRINT_KEY))
        || !storageExists(environments, environment)) {
      return null;
    }
    last.setProperty(
        QuickstartProperties.SECONDS_KEY,
        "0.0; unchanged, last run " + last.getProperty(QuickstartProperties.SECONDS_KEY, "?"));
    return last;
  }

  private static void announce(List<Stage> started, Set<Stage> running, PrintStream out) {
    if (started.isEmpty() || running.size() < 2) {
      return;
    }
    List<String> names = running.stream().map(Stage::environment).toList();
    out.printf(
        "Running %s side by side: the same code, and none reads what another writes%s%n",
        names,
        running.stream().anyMatch(ReferenceArchitecture::lowPriority)
            ? "; "
                + running.stream()
                    .filter(ReferenceArchitecture::lowPriority)
                    .map(Stage::environment)
                    .toList()
                + " at a lower priority, as prod waits only for staging"
            : "");
  }

  /** Starts the stage's process and a thread printing its lines, then reporting its end. */
  private Running start(Stage stage, BlockingQueue<Stage> ended, PrintStream out)
      throws IOException {
    deleteIfExists(QuickstartStage.summaryFile(home, stage.environment()));
    ProcessBuilder builder = new ProcessBuilder(stage.command()).redirectErrorStream(true);
    builder.environment().putAll(stageEnvironment);
    long started = System.nanoTime();
    Process process = builder.start();
    Thread printer =
        new Thread(
            () -> {
              print(stage.environment(), process, out);
              ended.add(stage);
            });
    printer.setName("quickstart-" + stage.environment());
    printer.start();
    return new Running(process, printer, started);
  }

  /** Records how a stage ended: its summary with time and fingerprint, or its failure. */
  private void finish(
      Stage stage,
      int exit,
      double seconds,
      Map<String, Properties> summaries,
      Map<String, Integer> failed,
      PrintStream out) {
    if (exit != 0) {
      out.printf(
          "%nError: the %s stage failed (exit %d) after %.1f s%n",
          stage.environment(), exit, seconds);
      failed.put(stage.environment(), exit);
      return;
    }
    Properties read = read(QuickstartStage.summaryFile(home, stage.environment()));
    read.setProperty(QuickstartProperties.SECONDS_KEY, String.format("%.1f", seconds));
    read.setProperty(QuickstartProperties.FINGERPRINT_KEY, stage.fingerprint());
    QuickstartStage.writeSummary(home, stage.environment(), read);
    summaries.put(stage.environment(), read);
  }

  /** Dev's own run, when other stages run beside it, yields the cores to the stages that gate. */
  private static boolean lowPriority(Stage stage) {
    return stage.command().get(0).equals(NICE);
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

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
  }

  /**
   * The stage's command line; a dev stage run beside others starts under {@code nice} (where the
   * system has it), so staging's and prod's stages get the cores first.
   */
  private List<String> command(String environment, boolean besideOthers) {
    List<String> command = new ArrayList<>();
    if (besideOthers
        && QuickstartStage.of(environment) == QuickstartStage.DEVELOPMENT
        && NICE_PATH.stream().anyMatch(Files::isExecutable)) {
      command.addAll(
          List.of(NICE, "-n", Integer.toString(QuickstartProperties.DEV_STAGE_NICENESS)));
    }
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(QuickstartProperties.STAGE_JVM_OPTIONS);
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
