package lakeops.cli;

import java.io.PrintWriter;
import lakeops.exceptions.LakeOpsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code lakeops}: the command line of LakeOps. Commands parse, call the capability's API and print;
 * user errors print as one line (exit 1), usage errors exit 2.
 */
@Command(
    name = "lakeops",
    mixinStandardHelpOptions = true,
    versionProvider = LakeOps.Version.class,
    description = "LakeOps: the MLOps engine for the lakehouse (Spark, Delta Lake, MLlib, MLflow).",
    subcommands = {
        QuickstartCommand.class,
        GenerateCommand.class,
        IngestCommand.class,
        SilverCommand.class,
        GoldCommand.class,
        EnvCommand.class,
        SqlCommand.class,
        AccessCommand.class,
        MlflowCommand.class,
        FeaturesCommand.class,
        TrainCommand.class,
        ModelsCommand.class,
        ServeCommand.class,
        JobCommand.class,
        SchedulerCommand.class,
        MonitorCommand.class,
        CommandLine.HelpCommand.class
    })
public final class LakeOps implements Runnable {

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code, without exiting the JVM. */
  public static int execute(String... args) {
    LakeOps root = new LakeOps();
    CommandLine commandLine = new CommandLine(root);
    commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      err.println("Error: " + oneLine(error));
      if (root.verbose) {
        error.printStackTrace(err);
      }
      err.flush();
      return 1;
    });
    return commandLine.execute(args);
  }

  /** The message of {@code error} as one line: our own messages as they are, others with their type. */
  static String oneLine(Throwable error) {
    Throwable shown = error;
    while (firstLine(shown).isEmpty() && shown.getCause() != null) {
      shown = shown.getCause();
    }
    String first = firstLine(shown);
    boolean selfExplaining = shown instanceof LakeOpsException
        || shown instanceof org.apache.spark.sql.AnalysisException;
    return selfExplaining && !first.isEmpty()
        ? first : (shown.getClass().getName() + (first.isEmpty() ? "" : ": " + first));
  }

  private static String firstLine(Throwable error) {
    String message = error.getMessage();
    if (message == null) {
      return "";
    }
    return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse("");
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LakeOps.class.getPackage().getImplementationVersion();
      return new String[] {"lakeops " + (version == null ? "dev" : version)};
    }
  }
}
