package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.mlflow.MlflowServer;
import picocli.CommandLine.Command;

/** {@code lakeops mlflow start|stop|status}: the project's own MLflow tracking server. */
@Command(
    name = "mlflow",
    description = "Manage the project's own MLflow tracking server.",
    subcommands = {MlflowCommand.Start.class, MlflowCommand.Stop.class, MlflowCommand.Status.class})
final class MlflowCommand {

  @Command(name = "start", description = "Start the server (creating its venv on first use).")
  static final class Start implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println(MlflowServer.of(LakeOpsHome.current()).start());
      return 0;
    }
  }

  @Command(name = "stop", description = "Stop the server.")
  static final class Stop implements Callable<Integer> {
    @Override
    public Integer call() {
      MlflowServer.of(LakeOpsHome.current()).stop();
      return 0;
    }
  }

  @Command(name = "status", description = "Print the server's URL; exit 3 if it is not running.")
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() {
      MlflowServer server = MlflowServer.of(LakeOpsHome.current());
      boolean running = server.isRunning();
      System.out.println(server.url() + (running ? " running" : " not running"));
      return running ? 0 : 3;
    }
  }
}
