package lakeops.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.EnvironmentScheduler;
import lakeops.jobs.JobProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakeops scheduler start --env prod}: runs jobs by their schedules and triggers. */
@Command(
    name = "scheduler",
    description = "Run jobs by their cron schedules and triggers.",
    subcommands = SchedulerCommand.Start.class)
final class SchedulerCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Starts the scheduler in the foreground (stop it with Ctrl-C). */
  @Command(name = "start", description = "Start the scheduler of an environment in the foreground.")
  static final class Start implements Callable<Integer> {

    @Mixin EnvironmentOption env;

    @Option(
        names = "--unpause",
        description = "Run schedules and triggers even in a development environment.")
    boolean unpause;

    @Option(
        names = "--once",
        description = "Look at schedules and triggers once, wait for the runs, exit.")
    boolean once;

    @Option(names = "--tick-seconds", description = "Seconds between two looks. Default: 10.")
    long tickSeconds = JobProperties.SCHEDULER_TICK.toSeconds();

    @Override
    public Integer call() throws InterruptedException {
      EnvironmentScheduler scheduler =
          EnvironmentScheduler.of(LakeOpsHome.current(), env.name).unpaused(unpause);
      if (once) {
        scheduler.runOnce(System.out);
      } else {
        scheduler.runForever(Duration.ofSeconds(tickSeconds), System.out);
      }
      return 0;
    }
  }
}
