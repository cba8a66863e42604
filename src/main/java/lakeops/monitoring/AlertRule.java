package lakeops.monitoring;

import java.util.Optional;

/**
 * One alert rule over a monitor's metric tables: a metric (a column of the profile or drift table,
 * such as {@code js_distance}, {@code ks_test.statistic}, {@code avg} or {@code accuracy_score}) of
 * one column and slice, compared to a threshold in at least {@code atLeast} of the last {@code
 * ofLast} windows (the rule mlops-stacks uses before it retrains), or outside mean ± {@code
 * sigmas}·σ of its own history (Deequ-style anomaly detection).
 *
 * @param name alert name written to {@code <env>.monitoring.alerts}; jobs trigger on it
 * @param metric metric column, optionally a struct field ({@code chi_squared_test.pvalue})
 * @param source {@code drift} or {@code profile}: the table the metric is in
 * @param column {@code column_name} the metric is about ({@code :table} for model metrics)
 * @param driftType {@code BASELINE} or {@code CONSECUTIVE} (drift metrics only)
 * @param granularity granularity of the windows looked at; empty means the monitor's first
 * @param sliceKey slice key; empty means the whole table
 * @param sliceValue slice value (with {@code sliceKey})
 * @param modelId model version of model metrics ({@code *} = all)
 * @param condition {@code >}, {@code >=}, {@code <}, {@code <=} with {@code threshold}; empty for
 *     an anomaly rule
 * @param threshold the bound of the condition
 * @param atLeast windows that must break the condition
 * @param ofLast windows looked at, the newest ones
 * @param sigmas an anomaly rule: fires when the newest value is outside mean ± sigmas·σ of the ones
 *     before it
 */
record AlertRule(
    String name,
    String metric,
    String source,
    String column,
    String driftType,
    Optional<String> granularity,
    Optional<String> sliceKey,
    Optional<String> sliceValue,
    String modelId,
    Optional<String> condition,
    Optional<Double> threshold,
    int atLeast,
    int ofLast,
    Optional<Double> sigmas) {

  /** Whether {@code value} breaks the rule's threshold condition. */
  public boolean breaks(double value) {
    double bound = threshold.orElseThrow();
    return switch (condition.orElseThrow()) {
      case ">" -> value > bound;
      case ">=" -> value >= bound;
      case "<" -> value < bound;
      case "<=" -> value <= bound;
      default -> throw new IllegalStateException("Invalid condition: " + condition.get());
    };
  }

  /** What the rule says, for messages: {@code js_distance(delay) > 0.1 in 2 of last 3}. */
  public String describe() {
    String subject = metric + "(" + column + ")";
    if (sigmas.isPresent()) {
      return subject + " outside mean ± " + sigmas.get() + "σ of its history";
    }
    return subject
        + " "
        + condition.orElse("?")
        + " "
        + threshold.orElse(Double.NaN)
        + " in "
        + atLeast
        + " of last "
        + ofLast
        + " window(s)";
  }
}
