package lakeops.jobs;

import java.util.Collection;
import java.util.Locale;

/**
 * When a task runs, given the final states of the tasks it depends on (Databricks {@code run_if}).
 * A task without dependencies always runs.
 */
public enum RunIf {
  /** Every dependency succeeded (the default). */
  ALL_SUCCESS,
  /** At least one dependency succeeded. */
  AT_LEAST_ONE_SUCCESS,
  /** No dependency failed, and at least one succeeded. */
  NONE_FAILED,
  /** Every dependency finished, whatever its result. */
  ALL_DONE,
  /** At least one dependency failed. */
  AT_LEAST_ONE_FAILED,
  /** Every dependency failed. */
  ALL_FAILED;

  /** Whether a task with this condition runs after dependencies that ended in {@code results}. */
  public boolean allows(Collection<ResultState> results) {
    if (results.isEmpty()) {
      return true;
    }
    long succeeded = results.stream().filter(r -> r == ResultState.SUCCESS).count();
    long failed = results.stream().filter(ResultState::isFailure).count();
    return switch (this) {
      case ALL_SUCCESS -> succeeded == results.size();
      case AT_LEAST_ONE_SUCCESS -> succeeded > 0;
      case NONE_FAILED -> failed == 0 && succeeded > 0;
      case ALL_DONE -> true;
      case AT_LEAST_ONE_FAILED -> failed > 0;
      case ALL_FAILED -> failed == results.size();
    };
  }

  /** Parses {@code all_success} or {@code ALL_SUCCESS}; null for an unknown name. */
  static RunIf parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
