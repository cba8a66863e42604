package lakeops.jobs;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lakeops.jobs.JobSpec.Schedule;
import lakeops.jobs.JobSpec.Trigger;

/**
 * Starts jobs of one environment by their cron schedules and triggers. Each {@link #tick()} looks
 * at every job once:
 *
 * <ul>
 *   <li>a schedule fires when a cron time passed since the last one acted on (missed times while
 *       the scheduler was down fire once, not once each);
 *   <li>a {@code table_update} trigger fires when a table has a newer Delta version than last seen;
 *   <li>an {@code alert} trigger fires when a named alert fired later than the last one seen.
 * </ul>
 *
 * <p>The first look at a schedule or trigger only records where things stand. What was acted on is
 * written to the {@link SchedulerState} before the run starts, so a restart never runs it twice. A
 * job already running {@code max_concurrent_runs} times is skipped for that fire. In development
 * environments ({@link JobProperties#PAUSED_ENVIRONMENTS}) every schedule and trigger is paused
 * unless the scheduler is told otherwise, like Databricks bundles' development mode.
 */
public final class JobScheduler implements AutoCloseable {

  /** Starts one run of a job; called on a scheduler thread. */
  @FunctionalInterface
  public interface JobStarter {
    JobRunResult start(JobSpec job, RunRequest request);
  }

  private final List<JobSpec> jobs;
  private final String environment;
  private final JobStarter starter;
  private final TriggerSource triggers;
  private final SchedulerState state;
  private final boolean pauseAll;
  private final Clock clock;
  private final PrintStream log;
  private final ExecutorService runs = Executors.newCachedThreadPool();
  private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

  /**
   * A scheduler of {@code jobs} in {@code environment}; {@code pauseAll} pauses every schedule and
   * trigger (the default of development environments).
   */
  public JobScheduler(
      List<JobSpec> jobs,
      String environment,
      JobStarter starter,
      TriggerSource triggers,
      SchedulerState state,
      boolean pauseAll,
      Clock clock,
      PrintStream log) {
    this.jobs = List.copyOf(jobs);
    this.environment = environment;
    this.starter = starter;
    this.triggers = triggers;
    this.state = state;
    this.pauseAll = pauseAll;
    this.clock = clock;
    this.log = log;
  }

  /** Whether {@code environment}'s schedules are paused by default. */
  public static boolean pausedByDefault(String environment) {
    return JobProperties.PAUSED_ENVIRONMENTS.contains(environment);
  }

  /** Looks at every schedule and trigger once; returns the names of the jobs it started. */
  public List<String> tick() {
    List<String> started = new ArrayList<>();
    if (pauseAll) {
      return started;
    }
    Instant now = clock.instant();
    for (JobSpec job : jobs) {
      job.schedule()
          .filter(s -> !s.paused())
          .filter(s -> cronDue(job, s, now))
          .ifPresent(s -> fire(job, "cron", started));
      job.trigger()
          .filter(t -> !t.paused())
          .filter(t -> triggered(job, t))
          .ifPresent(t -> fire(job, t.alertNames().isEmpty() ? "table_update" : "alert", started));
    }
    return started;
  }

  /** Ticks every {@code interval} until the thread is interrupted. */
  public void runForever(Duration interval) throws InterruptedException {
    log.printf(
        "scheduler of %s: %d job(s)%s%n",
        environment, jobs.size(), pauseAll ? ", all paused (development mode)" : "");
    while (!Thread.currentThread().isInterrupted()) {
      tick();
      Thread.sleep(interval.toMillis());
    }
  }

  private boolean cronDue(JobSpec job, Schedule schedule, Instant now) {
    String key = "cron:" + job.name();
    Optional<String> last = state.get(key);
    if (last.isEmpty()) {
      state.put(key, now.toString());
      return false;
    }
    CronSchedule cron = CronSchedule.of(schedule);
    Optional<Instant> next = cron.nextAfter(Instant.parse(last.get()));
    if (next.isEmpty() || next.get().isAfter(now)) {
      return false;
    }
    Instant due = next.get();
    for (Optional<Instant> later = cron.nextAfter(due);
        later.isPresent() && !later.get().isAfter(now);
        later = cron.nextAfter(due)) {
      due = later.get();
    }
    state.put(key, due.toString());
    return true;
  }

  private boolean triggered(JobSpec job, Trigger trigger) {
    boolean fired = false;
    for (String table : trigger.tableNames()) {
      String name =
          table.chars().filter(c -> c == '.').count() == 1 ? environment + "." + table : table;
      String key = "table:" + job.name() + ":" + name;
      long version = triggers.tableVersion(name).orElse(-1L);
      Optional<String> last = state.get(key);
      if (last.isEmpty() || Long.parseLong(last.get()) != version) {
        state.put(key, Long.toString(version));
        fired |= last.isPresent() && version > Long.parseLong(last.get());
      }
    }
    if (!trigger.alertNames().isEmpty()) {
      String key = "alert:" + job.name();
      Instant latest = triggers.lastAlert(trigger.alertNames()).orElse(Instant.EPOCH);
      Optional<String> last = state.get(key);
      if (last.isEmpty() || latest.isAfter(Instant.parse(last.get()))) {
        state.put(key, latest.toString());
        fired |= last.isPresent();
      }
    }
    return fired;
  }

  private void fire(JobSpec job, String trigger, List<String> started) {
    AtomicInteger running = active.computeIfAbsent(job.name(), k -> new AtomicInteger());
    if (running.get() >= job.maxConcurrentRuns()) {
      log.printf(
          "%s: %s fire of %s skipped, %d run(s) active (max_concurrent_runs %d)%n",
          clock.instant(), trigger, job.name(), running.get(), job.maxConcurrentRuns());
      return;
    }
    running.incrementAndGet();
    started.add(job.name());
    log.printf("%s: starting %s (%s)%n", clock.instant(), job.name(), trigger);
    runs.submit(
        () -> {
          try {
            JobRunResult result =
                starter.start(job, new RunRequest(environment, Map.of(), trigger));
            log.printf(
                "%s: %s run %s ended %s%n",
                clock.instant(), job.name(), result.runId(), result.result());
          } catch (RuntimeException e) {
            log.printf("%s: %s could not run: %s%n", clock.instant(), job.name(), e.getMessage());
          } finally {
            running.decrementAndGet();
          }
        });
  }

  /** Waits for the runs started so far to end. */
  public void awaitRuns(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (active.values().stream().anyMatch(a -> a.get() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Stops taking fires and waits for the started runs. */
  @Override
  public void close() {
    runs.shutdown();
    try {
      runs.awaitTermination(1, TimeUnit.HOURS);
    } catch (InterruptedException e) {
      runs.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
