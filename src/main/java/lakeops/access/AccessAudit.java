package lakeops.access;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
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
 * <p>Entries are written by one thread of their own, so the refused query's analysis state is left
 * alone, and the refusal waits until its entry is written: a process that exits on the error has
 * audited it. A failure to audit is logged and never hides the refusal.
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

  private static final long FLUSH_TIMEOUT_SECONDS = 120;

  private static final Logger LOG = LogManager.getLogger(AccessAudit.class);
  private static final ThreadLocal<Boolean> WRITING = ThreadLocal.withInitial(() -> false);
  private static final LinkedBlockingQueue<Entry> PENDING = new LinkedBlockingQueue<>();
  private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "lakeops-access-audit");
    thread.setDaemon(true);
    return thread;
  });

  private record Entry(SparkSession spark, String table, Row row) {}

  private AccessAudit() {}

  /** The audit table of {@code environment}. */
  public static String table(String environment) {
    return environment + "." + AccessProperties.AUDIT_SCHEMA + "." + AccessProperties.AUDIT_TABLE;
  }

  /** Waits until every refusal recorded so far is in its audit table (or failed to be). */
  public static void flush() {
    try {
      WRITER.submit(AccessAudit::drain).get(FLUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
      LOG.warn("Cannot flush the access audit: {}", e.toString());
    }
  }

  static void record(SparkSession spark, AccessDeniedException denied, String queryText) {
    if (WRITING.get()) {
      LOG.warn("Not auditing a refusal of the audit itself: {}", denied.getMessage());
      return;
    }
    Row row = RowFactory.create(Timestamp.from(Instant.now()), spark.sparkContext().sparkUser(),
        denied.environment(), denied.operation(), denied.target(), queryText);
    PENDING.add(new Entry(spark, table(denied.environment()), row));
    flush();
  }

  private static void drain() {
    List<Entry> batch = new ArrayList<>();
    PENDING.drainTo(batch);
    Map<List<Object>, List<Row>> byTable = new LinkedHashMap<>();
    for (Entry entry : batch) {
      byTable.computeIfAbsent(List.of(entry.spark(), entry.table()), key -> new ArrayList<>())
          .add(entry.row());
    }
    byTable.forEach((key, rows) -> append((SparkSession) key.get(0), (String) key.get(1), rows));
  }

  private static void append(SparkSession spark, String table, List<Row> rows) {
    WRITING.set(true);
    spark.sparkContext().setLocalProperty("spark.sql.execution.id", null);
    SparkSession.setActiveSession(spark);
    try {
      if (!spark.catalog().tableExists(table)) {
        String schema = table.substring(0, table.lastIndexOf('.'));
        spark.sql("CREATE SCHEMA IF NOT EXISTS " + schema);
        spark.sql("CREATE TABLE IF NOT EXISTS " + table + " (time TIMESTAMP, user STRING, "
            + "environment STRING, operation STRING, target STRING, query_text STRING) USING delta");
      }
      spark.createDataFrame(rows, SCHEMA).writeTo(table).append();
    } catch (Exception e) {
      LOG.warn("Cannot append {} refusal(s) to audit table {}: {}", rows.size(), table, e.getMessage());
    }
  }
}
