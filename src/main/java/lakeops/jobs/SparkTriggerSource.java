package lakeops.jobs;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Triggers read through a SparkSession: a table's version from {@code DESCRIBE HISTORY}, alerts
 * from {@code <env>.monitoring.alerts} (columns {@code alert_name STRING, fired_at TIMESTAMP} among
 * others, appended by the monitoring step).
 */
public final class SparkTriggerSource implements TriggerSource {

  private final SparkSession spark;
  private final String environment;

  /** Triggers of {@code environment}'s tables and alerts, read through {@code spark}. */
  public SparkTriggerSource(SparkSession spark, String environment) {
    this.spark = spark;
    this.environment = environment;
  }

  /** The alerts table of {@code environment}. */
  public static String alertsTable(String environment) {
    return environment + "." + JobProperties.ALERTS_SCHEMA + "." + JobProperties.ALERTS_TABLE;
  }

  @Override
  public Optional<Long> tableVersion(String table) {
    try {
      List<Row> rows = spark.sql("DESCRIBE HISTORY " + table + " LIMIT 1").collectAsList();
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).getLong(0));
    } catch (Exception e) {
      if (isMissingTable(e)) {
        return Optional.empty();
      }
      throw e instanceof RuntimeException runtime ? runtime : JobErrors.cannotReadTrigger(table, e);
    }
  }

  @Override
  public Optional<Instant> lastAlert(List<String> alertNames) {
    String names =
        alertNames.stream()
            .map(n -> "'" + n.replace("'", "''") + "'")
            .collect(Collectors.joining(", "));
    try {
      Row row =
          spark
              .sql(
                  "SELECT max(fired_at) FROM "
                      + alertsTable(environment)
                      + " WHERE alert_name IN ("
                      + names
                      + ")")
              .first();
      return row.isNullAt(0) ? Optional.empty() : Optional.of(((Timestamp) row.get(0)).toInstant());
    } catch (Exception e) {
      if (isMissingTable(e)) {
        return Optional.empty();
      }
      throw e instanceof RuntimeException runtime
          ? runtime
          : JobErrors.cannotReadTrigger(alertsTable(environment), e);
    }
  }

  private static boolean isMissingTable(Exception e) {
    Throwable cause = e;
    while (cause != null) {
      if (cause instanceof AnalysisException analysis
          && String.valueOf(analysis.getMessage())
              .matches(
                  "(?s).*(TABLE_OR_VIEW_NOT_FOUND|SCHEMA_NOT_FOUND|DELTA_TABLE_NOT_FOUND|not a Delta table|does not exist).*")) {
        return true;
      }
      cause = cause.getCause();
    }
    return false;
  }
}
