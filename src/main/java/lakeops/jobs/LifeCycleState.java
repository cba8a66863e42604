package lakeops.jobs;

/** Where a run or task run is in its life, as in the Databricks Jobs API. */
public enum LifeCycleState {
  PENDING,
  RUNNING,
  TERMINATED,
  /** The task did not run: its {@code run_if} did not hold. */
  SKIPPED,
  /** LakeOps itself failed (a cluster that did not start, a spec error found at run time). */
  INTERNAL_ERROR
}
