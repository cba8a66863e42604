package lakeops.monitoring;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One monitor, as declared in {@code conf/monitors/<name>.yml}: the monitored table, how it is
 * windowed and sliced, what it is compared to, and the alert rules over its metric tables.
 * Immutable and validated by {@link MonitorSpecs} when read.
 *
 * @param name the monitor's name; its metric tables are {@code <env>.monitoring.<name>_*}
 * @param table monitored table, {@code schema.table} in the run's environment or three-part
 * @param profileType how the table is windowed
 * @param timestampColumn the timestamp column of time-series and inference-log monitors
 * @param granularities window lengths ("1 day", "1 week"); one window for snapshots
 * @param slicingExpressions SQL expressions whose values slice the table ({@code origin}, {@code
 *     distance_miles > 1000}); the whole table is always a slice too
 * @param columns monitored columns; empty means every column but the timestamp and model columns
 * @param baseline the data drift is measured against, if any
 * @param inferenceLog prediction, label and model-version columns of inference-log monitors
 * @param alerts rules evaluated after each refresh
 */
record MonitorSpec(
    String name,
    String table,
    ProfileType profileType,
    Optional<String> timestampColumn,
    List<Granularity> granularities,
    List<String> slicingExpressions,
    List<String> columns,
    Optional<Baseline> baseline,
    Optional<InferenceLog> inferenceLog,
    List<AlertRule> alerts) {

  /** Canonical constructor: copies the lists. */
  public MonitorSpec {
    granularities = List.copyOf(granularities);
    slicingExpressions = List.copyOf(slicingExpressions);
    columns = List.copyOf(columns);
    alerts = List.copyOf(alerts);
  }

  /**
   * The baseline: a table (e.g. the training set) and/or a Delta version of it; a version alone
   * means the monitored table as of that version.
   */
  public record Baseline(Optional<String> table, Optional<Long> version) {}

  /** The model columns of an inference log. */
  public record InferenceLog(
      ProblemType problemType,
      String predictionColumn,
      Optional<String> labelColumn,
      String modelIdColumn,
      Optional<String> probabilityColumn) {}

  /** A window length, {@code "1 day"} as written and its duration. */
  public record Granularity(String text, Duration duration) {
    @Override
    public String toString() {
      return text;
    }
  }
}
