package lakeops.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.ConsoleProgress;
import lakeops.jobs.DeltaJobRunStore;
import lakeops.jobs.JobProperties;
import lakeops.jobs.JobRunner;
import lakeops.jobs.JobScheduler;
import lakeops.jobs.JobSpec;
import lakeops.jobs.JobSpecs;
import lakeops.jobs.Jobs;
import lakeops.jobs.RunListener;
import lakeops.jobs.SchedulerState;
import lakeops.jobs.SparkTriggerSource;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakeops scheduler start --env prod}: runs jobs by their schedules and triggers. */
@Command(name = "scheduler", description = "Run jobs by their cron schedules and triggers.",
    subcommands = SchedulerCommand.Start.class)
final class SchedulerCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Starts the scheduler in the foreground (stop it with Ctrl-C). */
  @Command(name = "start", description = "Start the scheduler of an environment in the foreground.")
  static final class Start implements Callable<Integer> {

    @Mixin EnvironmentOption env;

    @Option(names = "--unpause", description = "Run schedules and triggers even in a development environment.")
    boolean unpause;

    @Option(names = "--once", description = "Look at schedules and triggers once, wait for the runs, exit.")
    boolean once;

    @Option(names = "--tick-seconds", description = "Seconds between two looks. Default: 10.")
    long tickSeconds = JobProperties.SCHEDULER_TICK.toSeconds();

    @Override
    public Integer call() throws InterruptedException {
      LakeOpsHome home = LakeOpsHome.current();
      Environments environments = Environments.load(home);
      Environment environment = environments.get(env.name);
      List<JobSpec> jobs = JobSpecs.loadAll(home);
      JobRunner runner = Jobs.runner(home, environment, null);
      SparkSession spark = JobCommand.runnerSession(environments, env.name);
      ConsoleProgress progress = new ConsoleProgress(System.out);
      JobScheduler.JobStarter starter = (job, request) -> {
        try (RunListener listener = RunListener.all(progress, new DeltaJobRunStore(spark, env.name))) {
          return runner.run(job, request, listener);
        }
      };
      boolean paused = JobScheduler.pausedByDefault(env.name) && !unpause;
      try (SchedulerState state = SchedulerState.open(
              Jobs.stateDir(home).resolve("scheduler").resolve(env.name + ".json"));
          JobScheduler scheduler = new JobScheduler(jobs, env.name, starter,
              new SparkTriggerSource(spark, env.name), state, paused, Clock.systemUTC(), System.out)) {
        if (once) {
          System.out.println("started: " + scheduler.tick());
          scheduler.awaitRuns(Duration.ofHours(24));
        } else {
          scheduler.runForever(Duration.ofSeconds(tickSeconds));
        }
      }
      return 0;
    }
  }
}
