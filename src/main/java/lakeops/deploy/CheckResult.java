package lakeops.deploy;

/**
 * One compliance or comparison check of a validation, as printed and stored in {@code
 * <env>.ml.deployments}.
 *
 * @param name what was checked ({@code signature}, {@code metric test_areaUnderROC}…)
 * @param value what was found
 * @param threshold what was required
 * @param passed whether the value met the threshold
 */
public record CheckResult(String name, String value, String threshold, boolean passed) {

  /** A passed or failed check. */
  public static CheckResult of(String name, Object value, String threshold, boolean passed) {
    return new CheckResult(name, String.valueOf(value), threshold, passed);
  }

  /** The check as one line: name, value, threshold, PASS or FAIL. */
  public String line() {
    return String.format(
        "  %-36s %-22s %-26s %s", name, value, threshold, passed ? "PASS" : "FAIL");
  }
}
