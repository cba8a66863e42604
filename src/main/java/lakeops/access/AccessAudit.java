package lakeops.access;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Appends refused attempts to {@code <env>.lakeops.access_audit} in the acting environment's own
 * catalog: time, user, environment, operation, target, query text.
 *
 * <p>The table is append-only for everyone: Delta's {@code delta.appendOnly} is set on it, and the
 * plan check refuses every other change to it (and dropping its schema), from every environment.
 * Only this class's own writer thread appends. Entries are written by that thread, so the refused
 * query's analysis state is left alone, and the refusal waits until its entry is written: a process
 * that exits on the error has audited it. A refusal that could not be audited says so.
 */
final class AccessAudit {

  /** Columns of the audit table. */
  static final StructType SCHEMA =
      new StructType()
          .add("time", DataTypes.TimestampType)
          .add("user", DataTypes.StringType)
          .add("environment", DataTypes.StringType)
          .add("operation", DataTypes.StringType)
          .add("target", DataTypes.StringType)
          .add("query_text", DataTypes.StringType);

  private static final long WRITE_TIMEOUT_SECONDS = 120;
  private static final String APPEND_ONLY = "delta.appendOnly";

  private static final Logger LOG = LogManager.getLogger(AccessAudit.class);
  private static final ThreadLocal<Boolean> WRITING = ThreadLocal.withInitial(() -> false);
  private static final ExecutorService WRITER =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "lakeops-access-audit");
            thread.setDaemon(true);
            return thread;
          });

  private AccessAudit() {}

  /** The audit table of {@code environment}. */
  static String table(String environment) {
    return environment + "." + AccessProperties.AUDIT_SCHEMA + "." + AccessProperties.AUDIT_TABLE;
  }

  /** Whether the current thread is the audit's own writer. */
  static boolean isWriting() {
    return WRITING.get();
  }

  /** Whether {@code operation} on {@code target} would change an audit table or drop its schema. */
  static boolean isAuditTarget(Target target, String operation) {
    if (target.catalog() == null) {
      return false;
    }
    String name = target.name().toLowerCase(Locale.ROOT);
    String table = table(target.catalog()).toLowerCase(Locale.ROOT);
    String schema = table.substring(0, table.lastIndexOf('.'));
    return name.equals(table)
        || name.startsWith(table + ".")
        || (name.equals(schema) && operation.startsWith("DROP"));
  }

  /**
   * Appends {@code denied} to its environment's audit table and waits for it; returns why it could
   * not be written, if it could not.
   */
  static Optional<String> record(
      SparkSession spark, AccessDeniedException denied, String queryText) {
    if (WRITING.get()) {
      LOG.warn("Not auditing a refusal of the audit writer itself: {}", denied.getMessage());
      return Optional.empty();
    }
    if (AccessPolicy.UNBOUND.equals(denied.environment())) {
      return Optional.of("the session belongs to no environment");
    }
    Row row =
        RowFactory.create(
            Timestamp.from(Instant.now()),
            spark.sparkContext().sparkUser(),
            denied.environment(),
            denied.operation(),
            denied.target(),
            queryText);
    String table = table(denied.environment());
    try {
      Future<Optional<String>> written = WRITER.submit(() -> append(spark, table, row));
      return written.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while writing " + table);
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      return Optional.of("cannot write " + table + ": " + e);
    }
  }

  private static Optional<String> append(SparkSession spark, String table, Row row) {
    WRITING.set(true);
    spark.sparkContext().setLocalProperty("spark.sql.execution.id", null);
    SparkSession.setActiveSession(spark);
    try {
      ensureTable(spark, table);
      spark.createDataFrame(List.of(row), SCHEMA).writeTo(table).append();
      return Optional.empty();
    } catch (Exception e) {
      LOG.warn("Cannot append a refusal to audit table {}: {}", table, e.getMessage());
      return Optional.of("cannot write " + table + ": " + firstLine(e));
    } finally {
      WRITING.set(false);
    }
  }

  private static void ensureTable(SparkSession spark, String table) {
    if (!spark.catalog().tableExists(table)) {
      spark.sql("CREATE SCHEMA IF NOT EXISTS " + table.substring(0, table.lastIndexOf('.')));
      spark.sql(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (time TIMESTAMP, user STRING, "
              + "environment STRING, operation STRING, target STRING, query_text STRING) USING delta "
              + "TBLPROPERTIES ('"
              + APPEND_ONLY
              + "' = 'true')");
    }
    // Tables audited before the audit was append-only get the property once.
    boolean appendOnly =
        spark
            .sql("SHOW TBLPROPERTIES " + table + " ('" + APPEND_ONLY + "')")
            .collectAsList()
            .stream()
            .anyMatch(r -> "true".equalsIgnoreCase(String.valueOf(r.get(1))));
    if (!appendOnly) {
      spark.sql("ALTER TABLE " + table + " SET TBLPROPERTIES ('" + APPEND_ONLY + "' = 'true')");
    }
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
