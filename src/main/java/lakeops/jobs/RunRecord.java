package lakeops.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One state of a job run (no task key) or of one attempt of a task run: a row of {@code
 * <env>.lakeops.job_runs}, keyed by run id, task key and attempt.
 *
 * @param runId the job run
 * @param jobName the job
 * @param environment the environment it ran in
 * @param taskKey the task, or null for the job run itself
 * @param attempt the attempt of the task, from 0 (0 for the job run)
 * @param lifeCycleState where the run is
 * @param resultState how it ended, or null while it runs
 * @param stateMessage why it ended so, or empty
 * @param startTime when it started (or was decided, for a skipped task)
 * @param endTime when it ended, or null
 * @param trigger what started the run: manual, cron, table_update, alert
 * @param master the Spark master of the task (or of the job's first cluster)
 * @param parameters the job parameters (job run) or the resolved task arguments (task run)
 * @param taskValues the task values a successful task set
 */
public record RunRecord(
    String runId,
    String jobName,
    String environment,
    String taskKey,
    int attempt,
    LifeCycleState lifeCycleState,
    ResultState resultState,
    String stateMessage,
    Instant startTime,
    Instant endTime,
    String trigger,
    String master,
    List<String> parameters,
    Map<String, String> taskValues) {

  /** Null message, parameters and values become empty; lists and maps are copied. */
  public RunRecord {
    stateMessage = stateMessage == null ? "" : stateMessage;
    parameters = parameters == null ? List.of() : List.copyOf(parameters);
    taskValues = taskValues == null ? Map.of() : Map.copyOf(taskValues);
  }

  /** Whether this is the record of the job run rather than of a task. */
  public boolean isJob() {
    return taskKey == null;
  }

  /** How long it ran, or zero while it runs. */
  public Duration duration() {
    return endTime == null || startTime == null
        ? Duration.ZERO
        : Duration.between(startTime, endTime);
  }

  /** The same record in a later state. */
  RunRecord next(LifeCycleState state, ResultState result, String message, Instant end) {
    return new RunRecord(
        runId,
        jobName,
        environment,
        taskKey,
        attempt,
        state,
        result,
        message,
        startTime,
        end,
        trigger,
        master,
        parameters,
        taskValues);
  }

  /** The same record with the task values a task set. */
  RunRecord withTaskValues(Map<String, String> values) {
    return new RunRecord(
        runId,
        jobName,
        environment,
        taskKey,
        attempt,
        lifeCycleState,
        resultState,
        stateMessage,
        startTime,
        endTime,
        trigger,
        master,
        parameters,
        values);
  }
}
