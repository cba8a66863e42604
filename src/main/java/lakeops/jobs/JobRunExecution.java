package lakeops.jobs;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import lakeops.exceptions.ValidationException;
import lakeops.jobs.ClusterProvider.RunningClusters;
import lakeops.jobs.JobSpec.TaskSpec;
import lakeops.jobs.TaskLauncher.TaskOutcome;

/** One run of a job: the coordinator loop and the attempts of its tasks. */
final class JobRunExecution {

  private final JobSpec job;
  private final RunRequest request;
  private final Map<String, String> parameters;
  private final String runId;
  private final Path runDir;
  private final TaskLauncher launcher;
  private final ClusterProvider clusterProvider;
  private final RunListener listener;
  private final Clock clock;
  private final int maxParallelTasks;

  private final List<RunRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, ResultState> results = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> taskValues = new ConcurrentHashMap<>();

  JobRunExecution(
      JobSpec job,
      RunRequest request,
      Map<String, String> parameters,
      String runId,
      Path runDir,
      TaskLauncher launcher,
      ClusterProvider clusterProvider,
      RunListener listener,
      Clock clock,
      int maxParallelTasks) {
    this.job = job;
    this.request = request;
    this.parameters = parameters;
    this.runId = runId;
    this.runDir = runDir;
    this.launcher = launcher;
    this.clusterProvider = clusterProvider;
    this.listener = listener;
    this.clock = clock;
    this.maxParallelTasks = maxParallelTasks;
  }

  JobRunResult execute() {
    List<String> shownParameters =
        parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    RunRecord run =
        new RunRecord(
            runId,
            job.name(),
            request.environment(),
            null,
            0,
            LifeCycleState.PENDING,
            null,
            "",
            clock.instant(),
            null,
            request.trigger(),
            "",
            shownParameters,
            Map.of());
    emit(run);
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(maxParallelTasks, job.tasks().size()));
    try (RunningClusters clusters = clusterProvider.start(job)) {
      run =
          new RunRecord(
              runId,
              job.name(),
              request.environment(),
              null,
              0,
              LifeCycleState.RUNNING,
              null,
              "",
              run.startTime(),
              null,
              request.trigger(),
              clusters.master(job.tasks().get(0)),
              shownParameters,
              Map.of());
      emit(run);
      boolean timedOut = schedule(clusters, pool);
      run =
          run.next(
              LifeCycleState.TERMINATED,
              timedOut ? ResultState.TIMEDOUT : jobResult(),
              timedOut ? "job timed out after " + job.timeoutSeconds() + " s" : summary(),
              clock.instant());
    } catch (RuntimeException e) {
      run =
          run.next(
              LifeCycleState.INTERNAL_ERROR,
              ResultState.FAILED,
              String.valueOf(e.getMessage()),
              clock.instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run =
          run.next(
              LifeCycleState.TERMINATED, ResultState.CANCELED, "run canceled", clock.instant());
    } finally {
      stopTasks(pool);
    }
    emit(run);
    return new JobRunResult(run, List.copyOf(records));
  }

  /** Starts tasks as their dependencies end; returns whether the job's timeout ran out. */
  private boolean schedule(RunningClusters clusters, ExecutorService pool)
      throws InterruptedException {
    JobGraph graph = JobGraph.of(job);
    Set<String> pending = new LinkedHashSet<>(graph.order());
    Map<String, Future<String>> running = new HashMap<>();
    CompletionService<String> done = new ExecutorCompletionService<>(pool);
    long deadline =
        job.timeoutSeconds() == 0
            ? Long.MAX_VALUE
            : System.nanoTime() + TimeUnit.SECONDS.toNanos(job.timeoutSeconds());
    while (true) {
      startReadyTasks(pending, running, done, clusters);
      if (running.isEmpty()) {
        return false;
      }
      Future<String> finished =
          done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (finished == null) {
        running.values().forEach(f -> f.cancel(true));
        stopTasks(pool);
        for (String key : pending) {
          skip(job.task(key), ResultState.CANCELED, "job timed out");
        }
        return true;
      }
      running.remove(key(finished));
    }
  }

  private void startReadyTasks(
      Set<String> pending,
      Map<String, Future<String>> running,
      CompletionService<String> done,
      RunningClusters clusters) {
    boolean progressed = true;
    while (progressed) {
      progressed = false;
      for (String key : List.copyOf(pending)) {
        TaskSpec task = job.task(key);
        if (!results.keySet().containsAll(task.dependsOn())) {
          continue;
        }
        pending.remove(key);
        progressed = true;
        List<ResultState> upstream = task.dependsOn().stream().map(results::get).toList();
        if (task.runIf().allows(upstream)) {
          running.put(key, done.submit(() -> runTask(task, clusters), key));
        } else {
          boolean failed = upstream.stream().anyMatch(ResultState::isFailure);
          skip(
              task,
              failed ? ResultState.UPSTREAM_FAILED : ResultState.EXCLUDED,
              "run_if "
                  + task.runIf().name().toLowerCase(java.util.Locale.ROOT)
                  + " does not hold for "
                  + String.join(", ", task.dependsOn()));
        }
      }
    }
  }

  private void skip(TaskSpec task, ResultState result, String message) {
    Instant now = clock.instant();
    emit(
        new RunRecord(
            runId,
            job.name(),
            request.environment(),
            task.taskKey(),
            0,
            LifeCycleState.SKIPPED,
            result,
            message,
            now,
            now,
            request.trigger(),
            "",
            List.of(),
            Map.of()));
    results.put(task.taskKey(), result);
  }

  /** Every attempt of one task, in a pool thread; the final result goes to {@link #results}. */
  private void runTask(TaskSpec task, RunningClusters clusters) {
    ResultState state = ResultState.FAILED;
    for (int attempt = 0; attempt <= task.maxRetries(); attempt++) {
      if (attempt > 0 && !pause(task.minRetryIntervalMillis())) {
        state = ResultState.CANCELED;
        break;
      }
      state = runAttempt(task, attempt, clusters);
      if (state == ResultState.SUCCESS || state == ResultState.CANCELED) {
        break;
      }
    }
    results.put(task.taskKey(), state);
  }

  private ResultState runAttempt(TaskSpec task, int attempt, RunningClusters clusters) {
    String master = clusters.master(task);
    List<String> arguments;
    try {
      Map<String, String> values = referenceValues(task, attempt);
      arguments = task.parameters().stream().map(p -> References.resolve(p, values)).toList();
    } catch (ValidationException e) {
      RunRecord failed =
          new RunRecord(
              runId,
              job.name(),
              request.environment(),
              task.taskKey(),
              attempt,
              LifeCycleState.INTERNAL_ERROR,
              ResultState.FAILED,
              e.getMessage(),
              clock.instant(),
              clock.instant(),
              request.trigger(),
              master,
              task.parameters(),
              Map.of());
      emit(failed);
      return ResultState.FAILED;
    }
    String name = task.taskKey() + "-" + attempt;
    TaskInvocation invocation =
        new TaskInvocation(
            job.name(),
            runId,
            request.environment(),
            task.taskKey(),
            attempt,
            task.mainClass(),
            arguments,
            master,
            clusters.sparkConf(task),
            runDir.resolve(name + ".values.json"),
            runDir.resolve(name + ".log"));
    RunRecord record =
        new RunRecord(
            runId,
            job.name(),
            request.environment(),
            task.taskKey(),
            attempt,
            LifeCycleState.RUNNING,
            null,
            "",
            clock.instant(),
            null,
            request.trigger(),
            master,
            arguments,
            Map.of());
    emit(record);
    AttemptEnd end = attempt(invocation, task.timeoutSeconds());
    if (end.result() == ResultState.SUCCESS) {
      Map<String, String> values = TaskValues.read(invocation.valuesFile());
      taskValues.put(task.taskKey(), values);
      record = record.withTaskValues(values);
    }
    emit(record.next(LifeCycleState.TERMINATED, end.result(), end.message(), clock.instant()));
    return end.result();
  }

  private record AttemptEnd(ResultState result, String message) {}

  /** One launch in its own thread, interrupted (the process killed) on timeout or cancel. */
  private AttemptEnd attempt(TaskInvocation invocation, long timeoutSeconds) {
    AtomicReference<TaskOutcome> outcome = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                outcome.set(launcher.launch(invocation));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Throwable e) {
                error.set(e);
              }
            },
            "lakeops-task-" + invocation.taskKey() + "-" + invocation.attempt());
    thread.setDaemon(true);
    thread.start();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
    } catch (InterruptedException e) {
      stop(thread);
      return new AttemptEnd(ResultState.CANCELED, "run canceled");
    }
    if (thread.isAlive()) {
      stop(thread);
      return new AttemptEnd(ResultState.TIMEDOUT, "timed out after " + timeoutSeconds + " s");
    }
    if (error.get() != null) {
      return new AttemptEnd(ResultState.FAILED, String.valueOf(error.get().getMessage()));
    }
    TaskOutcome result = outcome.get();
    if (result == null) {
      return new AttemptEnd(ResultState.CANCELED, "task stopped");
    }
    return result.succeeded()
        ? new AttemptEnd(ResultState.SUCCESS, "")
        : new AttemptEnd(
            ResultState.FAILED,
            result.message().isBlank() ? "exit code " + result.exitCode() : result.message());
  }

  private static void stop(Thread thread) {
    thread.interrupt();
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, String> referenceValues(TaskSpec task, int attempt) {
    Map<String, String> values = new HashMap<>();
    parameters.forEach((name, value) -> values.put("job.parameters." + name, value));
    taskValues.forEach(
        (key, map) ->
            map.forEach((name, value) -> values.put("tasks." + key + ".values." + name, value)));
    values.put("job.run_id", runId);
    values.put("job.name", job.name());
    values.put("job.environment", request.environment());
    values.put("task.key", task.taskKey());
    values.put("task.attempt", Integer.toString(attempt));
    return values;
  }

  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private ResultState jobResult() {
    return results.values().stream().anyMatch(ResultState::isFailure)
        ? ResultState.FAILED
        : ResultState.SUCCESS;
  }

  private String summary() {
    List<String> failed =
        job.tasks().stream()
            .map(TaskSpec::taskKey)
            .filter(key -> results.containsKey(key) && results.get(key).isFailure())
            .map(key -> key + " " + results.get(key))
            .toList();
    return failed.isEmpty() ? "" : "failed tasks: " + String.join(", ", failed);
  }

  private void emit(RunRecord record) {
    records.add(record);
    listener.changed(record);
  }

  private static void stopTasks(ExecutorService pool) {
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String key(Future<String> finished) throws InterruptedException {
    try {
      return finished.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Task thread failed: " + e.getCause(), e.getCause());
    }
  }
}
