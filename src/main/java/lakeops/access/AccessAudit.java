package lakeops.access;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Appends refused attempts to {@code <env>.lakeops.access_audit} in the acting environment's own
 * catalog: time, user, environment, operation, target, query text. Written on a thread of its own, so
 * the refused query's analysis state is left alone; a failure to audit is logged and never hides the
 * refusal.
 */
public final class AccessAudit {

  /** Columns of the audit table. */
  public static final StructType SCHEMA = new StructType()
      .add("time", DataTypes.TimestampType)
      .add("user", DataTypes.StringType)
      .add("environment", DataTypes.StringType)
      .add("operation", DataTypes.StringType)
      .add("target", DataTypes.StringType)
      .add("query_text", DataTypes.StringType);

  private static final Logger LOG = LogManager.getLogger(AccessAudit.class);
  private static final ThreadLocal<Boolean> AUDITING = ThreadLocal.withInitial(() -> false);

  private AccessAudit() {}

  /** The audit table of {@code environment}. */
  public static String table(String environment) {
    return environment + "." + AccessProperties.AUDIT_SCHEMA + "." + AccessProperties.AUDIT_TABLE;
  }

  static void record(SparkSession spark, AccessDeniedException denied, String queryText) {
    if (AUDITING.get()) {
      return;
    }
    Row row = RowFactory.create(Timestamp.from(Instant.now()), spark.sparkContext().sparkUser(),
        denied.environment(), denied.operation(), denied.target(), queryText);
    Thread writer = new Thread(() -> append(spark, denied.environment(), row), "lakeops-access-audit");
    writer.start();
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void append(SparkSession spark, String environment, Row row) {
    AUDITING.set(true);
    spark.sparkContext().setLocalProperty("spark.sql.execution.id", null);
    SparkSession.setActiveSession(spark);
    String table = table(environment);
    try {
      if (!spark.catalog().tableExists(table)) {
        spark.sql("CREATE SCHEMA IF NOT EXISTS " + environment + "." + AccessProperties.AUDIT_SCHEMA);
        spark.sql("CREATE TABLE IF NOT EXISTS " + table + " (time TIMESTAMP, user STRING, "
            + "environment STRING, operation STRING, target STRING, query_text STRING) USING delta");
      }
      spark.createDataFrame(List.of(row), SCHEMA).writeTo(table).append();
    } catch (Exception e) {
      LOG.warn("Cannot append to audit table {}: {}", table, e.getMessage());
    } finally {
      AUDITING.set(false);
    }
  }
}
