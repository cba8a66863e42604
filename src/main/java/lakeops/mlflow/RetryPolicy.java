package lakeops.mlflow;

import java.time.Duration;

/**
 * How long calls to a tracking server are retried: exponential backoff from {@code initialBackoff},
 * doubling up to {@code maxBackoff}, until {@code budget} has passed.
 *
 * @param budget total time a call may keep retrying
 * @param initialBackoff first wait
 * @param maxBackoff longest wait
 */
public record RetryPolicy(Duration budget, Duration initialBackoff, Duration maxBackoff) {

  /** Refuses negative durations. */
  public RetryPolicy {
    if (budget.isNegative() || initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw MlflowErrors.negativeRetry(budget, initialBackoff, maxBackoff);
    }
  }

  /**
   * The default policy: {@value MlflowProperties#RETRY_SECONDS_ENV} seconds (or {@link
   * MlflowProperties#RETRY_BUDGET_DEFAULT}) of backoff.
   */
  public static RetryPolicy fromEnvironment() {
    String seconds = System.getenv(MlflowProperties.RETRY_SECONDS_ENV);
    Duration budget = MlflowProperties.RETRY_BUDGET_DEFAULT;
    if (seconds != null && !seconds.isBlank()) {
      try {
        budget = Duration.ofSeconds(Long.parseLong(seconds.strip()));
      } catch (NumberFormatException e) {
        throw MlflowErrors.badRetrySeconds(seconds);
      }
    }
    return of(budget);
  }

  /** Retries for {@code budget} with the default backoff. */
  public static RetryPolicy of(Duration budget) {
    return new RetryPolicy(
        budget, MlflowProperties.RETRY_BACKOFF_INITIAL, MlflowProperties.RETRY_BACKOFF_MAX);
  }

  /** The wait before attempt {@code attempt} (1 = the first retry). */
  Duration backoff(int attempt) {
    long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }
}
