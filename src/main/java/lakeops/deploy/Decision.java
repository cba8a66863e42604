package lakeops.deploy;

import java.time.Instant;
import java.util.List;

/**
 * One deployment decision: a row of {@code <env>.ml.deployments}, also set as tags on the version.
 *
 * @param decidedAt when
 * @param environment the acting environment
 * @param model registered model name ({@code prod.ml.flight_delay})
 * @param version the version decided about
 * @param previousChampion the champion before the decision, null if there was none
 * @param action validate, promote, approve, reject, rollback or copy
 * @param result PASSED, FAILED, PENDING_APPROVAL, PROMOTED, REJECTED, ROLLED_BACK or COPIED
 * @param metric the comparison metric, null when none was measured
 * @param challengerMetric the version's value of {@code metric} on the holdout
 * @param championMetric the champion's value of {@code metric} on the same holdout
 * @param checks the checks, empty when the decision ran none
 * @param actor who decided
 * @param comment why, or null
 */
public record Decision(
    Instant decidedAt,
    String environment,
    String model,
    int version,
    Integer previousChampion,
    String action,
    String result,
    String metric,
    Double challengerMetric,
    Double championMetric,
    List<CheckResult> checks,
    String actor,
    String comment) {

  /** Actions of a decision. */
  public static final List<String> ACTIONS =
      List.of("validate", "promote", "approve", "reject", "rollback", "copy");

  /** Results of a decision. */
  public static final List<String> RESULTS =
      List.of(
          "PASSED", "FAILED", "PENDING_APPROVAL", "PROMOTED", "REJECTED", "ROLLED_BACK", "COPIED");

  /** Copies the checks. */
  public Decision {
    checks = List.copyOf(checks);
  }

  /** Whether every check passed. */
  public boolean allPassed() {
    return checks.stream().allMatch(CheckResult::passed);
  }

  /** The checks that failed. */
  public List<CheckResult> failedChecks() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }

  /** The decision as the CLI prints it: one line, then one line per check. */
  public String summary() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "%s %s version %d: %s%s%n",
            action,
            model,
            version,
            result,
            previousChampion == null
                ? ""
                : " (champion before: version " + previousChampion + ")"));
    if (!checks.isEmpty()) {
      text.append(
          String.format("  %-36s %-22s %-26s %s%n", "check", "value", "threshold", "result"));
      checks.forEach(c -> text.append(c.line()).append(System.lineSeparator()));
    }
    return text.toString();
  }
}
