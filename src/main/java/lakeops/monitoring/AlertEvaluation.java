package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Evaluates a monitor's alert rules over its metric tables and appends the ones that fire to {@code
 * <env>.monitoring.alerts}. A rule fires at most once per newest window: evaluating again without
 * new windows writes nothing, so the jobs scheduler (which acts on each new {@code fired_at})
 * starts a retraining run once.
 */
final class AlertEvaluation {

  /** Schema of {@code <env>.monitoring.alerts}; the jobs scheduler reads the first two columns. */
  static final StructType ALERTS =
      new StructType()
          .add("alert_name", DataTypes.StringType)
          .add("fired_at", DataTypes.TimestampType)
          .add("monitor", DataTypes.StringType)
          .add("metric", DataTypes.StringType)
          .add("column_name", DataTypes.StringType)
          .add("window_start", DataTypes.TimestampType)
          .add("window_end", DataTypes.TimestampType)
          .add("value", DataTypes.DoubleType)
          .add("rule", DataTypes.StringType);

  private final SparkSession spark;
  private final String environment;
  private final MonitorSpec spec;
  private final Clock clock;

  private AlertEvaluation(SparkSession spark, String environment, MonitorSpec spec, Clock clock) {
    this.spark = spark;
    this.environment = environment;
    this.spec = spec;
    this.clock = clock;
  }

  /** The evaluation of {@code spec}'s rules in {@code environment}. */
  public static AlertEvaluation of(SparkSession spark, String environment, MonitorSpec spec) {
    return new AlertEvaluation(spark, environment, spec, Clock.systemUTC());
  }

  /** Evaluates every rule, appends the alerts that fire and returns them. */
  public List<FiredAlert> execute() {
    MetricTables tables = MetricTables.of(spark, environment, spec.name());
    tables.create();
    if (!spark.catalog().tableExists(tables.alerts())) {
      spark
          .createDataFrame(List.<Row>of(), ALERTS)
          .write()
          .format("delta")
          .saveAsTable(tables.alerts());
    }
    List<FiredAlert> fired = new ArrayList<>();
    for (AlertRule rule : spec.alerts()) {
      evaluate(tables, rule).ifPresent(fired::add);
    }
    if (!fired.isEmpty()) {
      List<Row> rows =
          fired.stream()
              .map(
                  a ->
                      RowFactory.create(
                          a.alertName(),
                          a.firedAt(),
                          a.monitor(),
                          a.metric(),
                          a.columnName(),
                          a.windowStart(),
                          a.windowEnd(),
                          a.value(),
                          a.rule()))
              .toList();
      spark
          .createDataFrame(rows, ALERTS)
          .write()
          .format("delta")
          .mode("append")
          .saveAsTable(tables.alerts());
    }
    return fired;
  }

  /** A metric's value in one window. */
  private record Point(Timestamp start, Timestamp end, double value) {}

  private Optional<FiredAlert> evaluate(MetricTables tables, AlertRule rule) {
    List<Point> values = history(tables, rule);
    if (values.isEmpty() || !fires(rule, values)) {
      return Optional.empty();
    }
    Point newest = values.get(0);
    if (alreadyFired(tables, rule, newest.start())) {
      return Optional.empty();
    }
    return Optional.of(
        new FiredAlert(
            rule.name(),
            Timestamp.from(clock.instant()),
            spec.name(),
            rule.metric(),
            rule.column(),
            newest.start(),
            newest.end(),
            newest.value(),
            rule.describe()));
  }

  /** The rule's metric per window, newest first; windows without a value are left out. */
  private List<Point> history(MetricTables tables, AlertRule rule) {
    boolean drift = rule.source().equals("drift");
    String granularity =
        rule.granularity()
            .orElse(
                spec.granularities().isEmpty() ? "snapshot" : spec.granularities().get(0).text());
    Column where =
        col("column_name")
            .equalTo(rule.column())
            .and(col("granularity").equalTo(granularity))
            .and(col("model_id").equalTo(rule.modelId()))
            .and(
                rule.sliceKey()
                    .map(
                        k ->
                            col("slice_key")
                                .equalTo(k)
                                .and(col("slice_value").equalTo(rule.sliceValue().orElse(""))))
                    .orElse(col("slice_key").isNull()))
            .and(
                drift
                    ? col("drift_type").equalTo(rule.driftType())
                    : col("log_type").equalTo(WindowKey.INPUT));
    List<Point> points = new ArrayList<>();
    for (Row r :
        spark
            .table(drift ? tables.drift() : tables.profile())
            .where(where)
            .select(
                col("window.start").as("start"),
                col("window.end").as("end"),
                expr(rule.metric()).cast("double").as("value"))
            .where(col("start").isNotNull())
            .orderBy(col("start").desc())
            .collectAsList()) {
      if (r.getAs("value") != null) {
        points.add(new Point(r.getAs("start"), r.getAs("end"), r.<Double>getAs("value")));
      }
    }
    return points;
  }

  /**
   * Whether {@code rule} fires on {@code values} (newest first): at least {@code atLeast} of the
   * last {@code ofLast} break its condition, or, for an anomaly rule, the newest is outside mean ±
   * k·σ of the earlier ones (at least {@link MonitorProperties#ANOMALY_MIN_HISTORY_DEFAULT} of
   * them).
   */
  private static boolean fires(AlertRule rule, List<Point> values) {
    if (rule.sigmas().isEmpty()) {
      return values.stream().limit(rule.ofLast()).filter(p -> rule.breaks(p.value())).count()
          >= rule.atLeast();
    }
    List<Point> earlier = values.subList(1, values.size());
    if (earlier.size() < MonitorProperties.ANOMALY_MIN_HISTORY_DEFAULT) {
      return false;
    }
    double mean = earlier.stream().mapToDouble(Point::value).average().orElseThrow();
    double variance =
        earlier.stream().mapToDouble(p -> Math.pow(p.value() - mean, 2)).sum()
            / (earlier.size() - 1);
    return Math.abs(values.get(0).value() - mean) > rule.sigmas().get() * Math.sqrt(variance);
  }

  private boolean alreadyFired(MetricTables tables, AlertRule rule, Timestamp windowStart) {
    return !spark
        .table(tables.alerts())
        .where(
            col("alert_name")
                .equalTo(rule.name())
                .and(col("monitor").equalTo(spec.name()))
                .and(col("window_start").equalTo(lit(windowStart))))
        .isEmpty();
  }
}
