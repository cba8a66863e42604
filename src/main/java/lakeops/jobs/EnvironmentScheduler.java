package lakeops.jobs;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import org.apache.spark.sql.SparkSession;

/**
 * The {@link JobScheduler} of one environment of a project, in the foreground: every job of the
 * project's {@code jobs/}, each run by the environment's {@link Jobs#runner runner}, printed as it
 * goes and recorded in {@code <env>.lakeops.job_runs}; what was acted on is kept in {@code
 * .lakehouse/_jobs/scheduler/<env>.json}. Development environments stay paused unless {@link
 * #unpaused}.
 *
 * <pre>
 * {@code EnvironmentScheduler.of(home, "prod").runForever(Duration.ofSeconds(10), System.out);}
 * </pre>
 */
public final class EnvironmentScheduler {

  /** How long {@link #runOnce} waits for the runs it started. */
  private static final Duration ONCE_TIMEOUT = Duration.ofHours(24);

  private final LakeOpsHome home;
  private final String environment;
  private final boolean unpause;

  private EnvironmentScheduler(LakeOpsHome home, String environment, boolean unpause) {
    this.home = home;
    this.environment = environment;
    this.unpause = unpause;
  }

  /** The scheduler of the environment called {@code environment} of {@code home}. */
  public static EnvironmentScheduler of(LakeOpsHome home, String environment) {
    return new EnvironmentScheduler(home, environment, false);
  }

  /** Runs schedules and triggers even in a development environment when {@code unpause} is true. */
  public EnvironmentScheduler unpaused(boolean unpause) {
    return new EnvironmentScheduler(home, environment, unpause);
  }

  /**
   * Looks at every schedule and trigger once, prints the jobs it started to {@code out}, and waits
   * for their runs to end.
   */
  public void runOnce(PrintStream out) throws InterruptedException {
    run(
        out,
        scheduler -> {
          out.println("started: " + scheduler.tick());
          scheduler.awaitRuns(ONCE_TIMEOUT);
        });
  }

  /** Looks at every schedule and trigger each {@code interval} until the thread is interrupted. */
  public void runForever(Duration interval, PrintStream out) throws InterruptedException {
    run(out, scheduler -> scheduler.runForever(interval));
  }

  /** What to do with the scheduler while it is open. */
  @FunctionalInterface
  private interface Use {
    void accept(JobScheduler scheduler) throws InterruptedException;
  }

  private void run(PrintStream out, Use use) throws InterruptedException {
    Environments environments = Environments.load(home);
    Environment chosen = environments.get(environment);
    List<JobSpec> jobs = JobSpecs.loadAll(home);
    JobRunner runner = Jobs.runner(home, chosen, null);
    SparkSession spark = Jobs.runnerSession(environments, environment);
    ConsoleProgress progress = new ConsoleProgress(out);
    JobScheduler.JobStarter starter =
        (job, request) -> {
          try (RunListener listener =
              RunListener.all(progress, new DeltaJobRunStore(spark, environment))) {
            return runner.run(job, request, listener);
          }
        };
    boolean paused = JobScheduler.pausedByDefault(environment) && !unpause;
    try (SchedulerState state =
            SchedulerState.open(
                Jobs.stateDir(home).resolve("scheduler").resolve(environment + ".json"));
        JobScheduler scheduler =
            new JobScheduler(
                jobs,
                environment,
                starter,
                new SparkTriggerSource(spark, environment),
                state,
                paused,
                Clock.systemUTC(),
                out)) {
      use.accept(scheduler);
    }
  }
}
