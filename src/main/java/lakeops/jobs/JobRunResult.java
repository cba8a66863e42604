package lakeops.jobs;

import java.util.List;
import java.util.Optional;

/**
 * A finished job run: its final record and every record of its task runs, in the order they
 * happened.
 *
 * @param run the final record of the job run
 * @param records every state change of the run and its task runs
 */
public record JobRunResult(RunRecord run, List<RunRecord> records) {

  /** Copies the records. */
  public JobRunResult {
    records = List.copyOf(records);
  }

  /** The run id. */
  public String runId() {
    return run.runId();
  }

  /** How the run ended. */
  public ResultState result() {
    return run.resultState();
  }

  /** The last record of task {@code key}. */
  public RunRecord task(String key) {
    return lastOf(key).orElseThrow(() -> JobErrors.noTaskRecord(key, run.runId()));
  }

  /** Attempts task {@code key} made (0 when it was skipped). */
  public int attempts(String key) {
    return (int)
        records.stream()
            .filter(r -> key.equals(r.taskKey()) && r.lifeCycleState() == LifeCycleState.RUNNING)
            .count();
  }

  private Optional<RunRecord> lastOf(String key) {
    RunRecord last = null;
    for (RunRecord record : records) {
      if (key.equals(record.taskKey())) {
        last = record;
      }
    }
    return Optional.ofNullable(last);
  }
}
