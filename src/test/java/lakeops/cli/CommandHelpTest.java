package lakeops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lakeops.ingest.GoldJob;
import lakeops.ingest.IngestJob;
import lakeops.ingest.SilverJob;
import lakeops.jobs.JobMain;
import lakeops.monitoring.MonitorJob;
import lakeops.training.TrainJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command of {@code lakeops} and every job main, in this JVM: {@code -h} and {@code --help}
 * print the usage and exit 0; wrong arguments print one {@code Error:} line and exit non-zero.
 */
class CommandHelpTest {

  /** Each job main and the command of {@code lakeops} it stands for. */
  private static final Map<Class<?>, List<String>> JOB_MAINS =
      Map.of(
          IngestJob.class, List.of("ingest"),
          SilverJob.class, List.of("silver"),
          GoldJob.class, List.of("gold"),
          TrainJob.class, List.of("train"),
          MonitorJob.class, List.of("monitor", "run"));

  /** What a run printed and returned. */
  private record Run(int exitCode, String out, String err) {}

  private static Run run(Supplier<CommandLine> command, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = command.get();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args.toArray(String[]::new));
    return new Run(exitCode, out.toString(), err.toString());
  }

  private static Run lakeops(List<String> args) {
    return run(LakeOps::commandLine, args);
  }

  /** The names leading to every command of the tree, the root's being empty. */
  static Stream<List<String>> commands() {
    List<List<String>> commands = new ArrayList<>();
    walk(LakeOps.commandLine(), List.of(), commands);
    return commands.stream();
  }

  private static void walk(CommandLine command, List<String> path, List<List<String>> commands) {
    commands.add(path);
    Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      if (seen.add(sub.getValue())) {
        List<String> subPath = new ArrayList<>(path);
        subPath.add(sub.getValue().getCommandName());
        walk(sub.getValue(), subPath, commands);
      }
    }
  }

  private static List<String> with(List<String> path, String... args) {
    List<String> all = new ArrayList<>(path);
    all.addAll(List.of(args));
    return all;
  }

  private static String usageLine(String name) {
    return "Usage: " + name;
  }

  /** {@code lakeops} and the names of {@code path}: how usage and errors name the command. */
  private static String name(List<String> path) {
    return String.join(" ", with(List.of("lakeops"), path.toArray(String[]::new)));
  }

  @Test
  void walksTheWholeTree() {
    assertThat(commands().map(path -> String.join(" ", path)))
        .hasSizeGreaterThan(30)
        .contains(
            "",
            "sql",
            "help",
            "ingest",
            "monitor run",
            "job export",
            "models relog",
            "predict",
            "labels",
            "models copy",
            "deploy validate",
            "deploy approve",
            "scheduler start");
  }

  @ParameterizedTest(name = "lakeops {0}")
  @MethodSource("commands")
  void everyCommandAnswersHelp(List<String> path) {
    String name = name(path);
    for (String help : List.of("-h", "--help")) {
      Run run = lakeops(with(path, help));
      assertThat(run.exitCode()).as(name + " " + help + ": " + run.err()).isZero();
      assertThat(run.err()).isEmpty();
      assertThat(run.out().lines())
          .as(name + " " + help)
          .anyMatch(line -> line.equals(usageLine(name)) || line.startsWith(usageLine(name) + " "));
    }
  }

  /** Commands but picocli's own {@code help}, which takes any word as the command to explain. */
  static Stream<List<String>> commandsWithOptions() {
    return commands().filter(path -> !path.equals(List.of("help")));
  }

  @ParameterizedTest(name = "lakeops {0}")
  @MethodSource("commandsWithOptions")
  void everyCommandRefusesAnUnknownOptionInOneLine(List<String> path) {
    Run run = lakeops(with(path, "--no-such-option"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .satisfies(line -> assertRefused(line, name(path)));
  }

  @Test
  void unknownOptionIsNamed() {
    Run run = lakeops(List.of("sql", "--no-such-option"));
    assertThat(run.err())
        .isEqualTo(
            "Error: Unknown option: '--no-such-option' (see lakeops sql --help)"
                + System.lineSeparator());
  }

  /** One line: the unknown option, or the required arguments missing that picocli reports first. */
  private static void assertRefused(String line, String name) {
    assertThat(line)
        .matches(
            "Error: (Unknown option: '--no-such-option'|Missing required .+) \\(see "
                + Pattern.quote(name)
                + " --help\\)");
  }

  @Test
  void failureIsOneErrorLineAndExitOne() {
    Run run = lakeops(List.of("monitor", "run", "--env", "dev", "--monitor", "no_such_monitor"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .startsWith("Error: ")
        .contains("no_such_monitor");

    Run verbose = lakeops(List.of("monitor", "run", "--monitor", "no_such_monitor", "--verbose"));
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err().lines().findFirst().orElse("")).startsWith("Error: ");
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void jobMainsAnswerHelpAndFailInOneLine() {
    for (Class<?> main : JOB_MAINS.keySet()) {
      Supplier<CommandLine> command = () -> JobMain.commandLine(main);
      for (String help : List.of("-h", "--help")) {
        Run run = run(command, List.of(help));
        assertThat(run.exitCode()).as(main + " " + help).isZero();
        assertThat(run.out()).startsWith(usageLine(main.getName()));
      }
      Run unknown = run(command, List.of("--no-such-option"));
      assertThat(unknown.exitCode()).isEqualTo(2);
      assertThat(unknown.err().lines())
          .singleElement()
          .asString()
          .satisfies(line -> assertRefused(line, main.getName()));
    }
    Run failed =
        run(
            () -> JobMain.commandLine(MonitorJob.class),
            List.of("--env", "dev", "--monitor", "no_such_monitor"));
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err().lines())
        .singleElement()
        .asString()
        .startsWith("Error: ")
        .contains("no_such_monitor");
  }

  /**
   * A job main takes exactly the options of its {@code lakeops} command, with the same defaults.
   */
  @Test
  void jobMainsTakeTheArgumentsOfTheirCommands() {
    for (Map.Entry<Class<?>, List<String>> main : JOB_MAINS.entrySet()) {
      CommandLine command = LakeOps.commandLine();
      for (String name : main.getValue()) {
        command = command.getSubcommands().get(name);
      }
      assertThat(describe(JobMain.commandLine(main.getKey()).getCommandSpec().options()))
          .as(main.getKey().getName())
          .isEqualTo(describe(command.getCommandSpec().options()));
      assertThat(JobMain.commandLine(main.getKey()).getCommandSpec().positionalParameters())
          .isEmpty();
    }
  }

  private static List<String> describe(List<OptionSpec> options) {
    return options.stream()
        .filter(o -> !o.usageHelp() && !o.versionHelp())
        .map(
            o ->
                String.join("|", o.names())
                    + " "
                    + o.paramLabel()
                    + " "
                    + o.arity()
                    + " "
                    + o.required()
                    + " "
                    + o.type().getName()
                    + " "
                    + o.defaultValue()
                    + " "
                    + String.join(" ", o.description()))
        .sorted()
        .toList();
  }
}
