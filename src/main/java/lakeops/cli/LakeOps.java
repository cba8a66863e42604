package lakeops.cli;

import lakeops.jobs.JobMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * {@code lakeops}: the command line of LakeOps. Commands parse, call the capability's API and
 * print; every command answers {@code -h}/{@code --help}; errors print as one line {@code Error: …}
 * (exit 1, usage errors exit 2, see {@link JobMain}).
 */
@Command(
    name = "lakeops",
    scope = ScopeType.INHERIT,
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
      lakeops.serving.ServeJob.class,
      lakeops.inference.PredictJob.class,
      lakeops.inference.LabelJob.class,
      lakeops.deploy.DeployJob.class,
      lakeops.sqlserver.SqlServerJob.class,
      JobCommand.class,
      SchedulerCommand.class,
      MonitorCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LakeOps implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code, without exiting the JVM. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The command tree as {@link #execute} runs it. */
  static CommandLine commandLine() {
    return JobMain.commandLine(new LakeOps());
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
