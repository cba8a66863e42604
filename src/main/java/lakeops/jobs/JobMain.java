package lakeops.jobs;

import java.io.PrintWriter;
import lakeops.exceptions.LakeOpsException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * Runs the main class of a task (a step's job main, or the LakeOps command line) as a picocli
 * command that answers {@code -h}/{@code --help} and takes {@code --verbose}. A failure prints one
 * line {@code Error: <message>} on stderr, the line the runner records as the task's state message
 * (the stack trace follows it under {@code --verbose}), and exits 1; wrong arguments print one line
 * {@code Error: <problem> (see <command> --help)} and exit 2.
 */
public final class JobMain {

  /** The option that adds stack traces to errors. */
  public static final String VERBOSE_OPTION = "--verbose";

  private static final String HELP_OPTION = "--help";

  private JobMain() {}

  /** Runs {@code command} with {@code args} and exits the JVM with its exit code. */
  public static void run(Object command, String... args) {
    System.exit(execute(command, args));
  }

  /** Runs {@code command} with {@code args} and returns its exit code, without exiting the JVM. */
  public static int execute(Object command, String... args) {
    return commandLine(command).execute(args);
  }

  /** The command line of {@code command} (a picocli command object) as {@link #execute} runs it. */
  public static CommandLine commandLine(Object command) {
    CommandLine commandLine = new CommandLine(command);
    CommandSpec spec = commandLine.getCommandSpec();
    if (!spec.optionsMap().containsKey(HELP_OPTION)) {
      spec.addOption(
          OptionSpec.builder("-h", HELP_OPTION)
              .usageHelp(true)
              .description("Show this help message and exit.")
              .build());
    }
    if (!spec.optionsMap().containsKey(VERBOSE_OPTION)) {
      spec.addOption(
          OptionSpec.builder(VERBOSE_OPTION)
              .scopeType(ScopeType.INHERIT)
              .description("Print stack traces of errors.")
              .build());
    }
    commandLine.setExecutionExceptionHandler(JobMain::failed);
    commandLine.setParameterExceptionHandler(JobMain::misused);
    return commandLine;
  }

  private static int failed(Exception error, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    err.println("Error: " + oneLine(error));
    if (verbose(parsed)) {
      error.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private static int misused(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(
        "Error: "
            + oneLine(error)
            + " (see "
            + command.getCommandSpec().qualifiedName()
            + " "
            + HELP_OPTION
            + ")");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Whether {@code --verbose} was given to the command or any of its subcommands. */
  private static boolean verbose(ParseResult parsed) {
    for (ParseResult level = parsed; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption(VERBOSE_OPTION)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The message of {@code error} as one line: our own messages as they are, others with their type.
   */
  static String oneLine(Throwable error) {
    Throwable shown = error;
    while (firstLine(shown).isEmpty() && shown.getCause() != null) {
      shown = shown.getCause();
    }
    String first = firstLine(shown);
    boolean selfExplaining =
        shown instanceof LakeOpsException
            || shown instanceof ParameterException
            || shown instanceof org.apache.spark.sql.AnalysisException;
    return selfExplaining && !first.isEmpty()
        ? first
        : (shown.getClass().getName() + (first.isEmpty() ? "" : ": " + first));
  }

  private static String firstLine(Throwable error) {
    String message = error.getMessage();
    if (message == null) {
      return "";
    }
    return message
        .lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .findFirst()
        .orElse("");
  }
}
