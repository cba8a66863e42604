package lakeops.jobs;

/** How a terminated run or task run ended, as in the Databricks Jobs API. */
public enum ResultState {
  SUCCESS,
  FAILED,
  TIMEDOUT,
  CANCELED,
  /** Skipped because a dependency failed. */
  UPSTREAM_FAILED,
  /** Skipped because its {@code run_if} did not hold, with no dependency failed. */
  EXCLUDED;

  /** Whether this result counts as a failure for {@code run_if} and the run's own result. */
  public boolean isFailure() {
    return this == FAILED || this == TIMEDOUT || this == CANCELED || this == UPSTREAM_FAILED;
  }
}
