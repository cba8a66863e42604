package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Evaluates a monitor's alert rules over its metric tables and appends the ones that fire to
 * {@code <env>.monitoring.alerts}. A rule fires at most once per newest window: evaluating again
 * without new windows writes nothing, so the jobs scheduler (which acts on each new {@code fired_at})
 * starts a retraining run once.
 */
public final class AlertEvaluation {

  /** Schema of {@code <env>.monitoring.alerts}; the jobs scheduler reads the first two columns. */
  static final StructType ALERTS = new StructType()
      .add("alert_name", DataTypes.StringType).add("fired_at", DataTypes.TimestampType)
      .add("monitor", DataTypes.StringType).add("metric", DataTypes.StringType)
      .add("column_name", DataTypes.StringType).add("window_start", DataTypes.TimestampType)
      .add("window_end", DataTypes.TimestampType).add("value", DataTypes.DoubleType)
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
      spark.createDataFrame(List.<Row>of(), ALERTS).write().format("delta").saveAsTable(tables.alerts());
    }
    List<FiredAlert> fired = new ArrayList<>();
    for (AlertRule rule : spec.alerts()) {
      evaluate(tables, rule).ifPresent(fired::add);
    }
    if (!fired.isEmpty()) {
      List<Row> rows = fired.stream().map(a -> RowFactory.create(a.alertName(), a.firedAt(), a.monitor(),
          a.metric(), a.columnName(), a.windowStart(), a.windowEnd(), a.value(), a.rule())).toList();
      spark.createDataFrame(rows, ALERTS).write().format("delta").mode("append").saveAsTable(tables.alerts());
    }
    return fired;
  }

  private java.util.Optional<FiredAlert> evaluate(MetricTables tables, AlertRule rule) {
    boolean drift = rule.source().equals("drift");
    String granularity = rule.granularity().orElse(spec.granularities().isEmpty() ? "snapshot"
        : spec.granularities().get(0).text());
    Column where = col("column_name").equalTo(rule.column())
        .and(col("granularity").equalTo(granularity))
        .and(col("model_id").equalTo(rule.modelId()))
        .and(rule.sliceKey().map(k -> col("slice_key").equalTo(k)
            .and(col("slice_value").equalTo(rule.sliceValue().orElse("")))).orElse(col("slice_key").isNull()))
        .and(drift ? col("drift_type").equalTo(rule.driftType()) : col("log_type").equalTo(WindowKey.INPUT));
    List<Row> history = spark.table(drift ? tables.drift() : tables.profile()).where(where)
        .select(col("window.start"), col("window.end"), expr(rule.metric()).cast("double"))
        .where(col("start").isNotNull())
        .orderBy(col("start").desc()).collectAsList();
    List<Row> values = history.stream().filter(r -> !r.isNullAt(2)).toList();
    if (values.isEmpty()) {
      return java.util.Optional.empty();
    }
    Row newest = values.get(0);
    boolean fires;
    if (rule.sigmas().isPresent()) {
      List<Row> earlier = values.subList(1, values.size());
      if (earlier.size() < MonitorProperties.ANOMALY_MIN_HISTORY_DEFAULT) {
        return java.util.Optional.empty();
      }
      double mean = earlier.stream().mapToDouble(r -> r.getDouble(2)).average().orElseThrow();
      double variance = earlier.stream().mapToDouble(r -> Math.pow(r.getDouble(2) - mean, 2)).sum()
          / (earlier.size() - 1);
      fires = Math.abs(newest.getDouble(2) - mean) > rule.sigmas().get() * Math.sqrt(variance);
    } else {
      long breaking = values.stream().limit(rule.ofLast()).filter(r -> rule.breaks(r.getDouble(2))).count();
      fires = breaking >= rule.atLeast();
    }
    if (!fires || alreadyFired(tables, rule, newest.getTimestamp(0))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new FiredAlert(rule.name(), Timestamp.from(clock.instant()), spec.name(),
        rule.metric(), rule.column(), newest.getTimestamp(0), newest.getTimestamp(1), newest.getDouble(2),
        rule.describe()));
  }

  private boolean alreadyFired(MetricTables tables, AlertRule rule, Timestamp windowStart) {
    return !spark.table(tables.alerts()).where(col("alert_name").equalTo(rule.name())
        .and(col("monitor").equalTo(spec.name())).and(col("window_start").equalTo(lit(windowStart))))
        .isEmpty();
  }
}
