package lakeops.ingest;

import java.util.Locale;

/**
 * One declarative data-quality rule of a silver table, as in Delta Live Tables: a SQL boolean
 * expression each row should satisfy and what to do with a row that does not (a null result fails).
 *
 * @param name the rule's name, in metrics and quarantine
 * @param rule a SQL boolean expression over the silver columns, e.g. {@code distance_miles > 0}
 * @param action what a failing row causes
 */
record Expectation(String name, String rule, Action action) {

  /** What a row failing an expectation causes. */
  public enum Action {
    /** The row is kept; the failure is counted in the metrics. */
    WARN,
    /** The row goes to the quarantine table with the rule's name, not to the silver table. */
    DROP,
    /** The batch is refused: nothing of it is written and the step fails. */
    FAIL;

    /** {@code warn}, {@code drop} or {@code fail}, any case. */
    public static Action parse(String name) {
      try {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw IngestErrors.badAction(name);
      }
    }
  }

  /** Refuses a bad name, an empty rule or no action. */
  public Expectation {
    if (name == null || !name.matches("[A-Za-z0-9_]+")) {
      throw IngestErrors.badExpectationName(name);
    }
    if (rule == null || rule.isBlank()) {
      throw IngestErrors.noRule(name);
    }
    if (action == null) {
      throw IngestErrors.noAction(name);
    }
  }

  /** A rule that keeps failing rows and counts them. */
  public static Expectation warn(String name, String rule) {
    return new Expectation(name, rule, Action.WARN);
  }

  /** A rule that quarantines failing rows. */
  public static Expectation drop(String name, String rule) {
    return new Expectation(name, rule, Action.DROP);
  }

  /** A rule that refuses a batch with any failing row. */
  public static Expectation fail(String name, String rule) {
    return new Expectation(name, rule, Action.FAIL);
  }
}
