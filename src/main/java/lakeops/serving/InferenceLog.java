package lakeops.serving;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import lakeops.access.AccessControl;
import lakeops.exceptions.LakeOpsException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference log: one row per scored row (its time, request id, model name and version,
 * prediction, class 1's probability, an empty label, the request's latency, then the request's own
 * columns), queued on the request path and appended to a Delta table by one background thread, in
 * batches every {@link ServingSpec#logFlushInterval()} or {@link ServingSpec#logBatchRows()} rows.
 * Rows are never dropped: a full queue makes requests wait, a failed append is retried, and {@link
 * #close()} appends everything queued. The table has the change data feed on, so monitors refresh
 * incrementally; its columns are those an {@code inference_log} monitor reads.
 *
 * <p>Appends go through Delta Kernel ({@link KernelAppender}), not Spark: a Spark job per batch in
 * the serving JVM cost the request path milliseconds at p99. Spark creates the table and adds a new
 * layout's columns before serving starts, and appends only where Kernel cannot (a column type it
 * does not write).
 */
final class InferenceLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceLog.class);
  private static final Duration RETRY_MAX = Duration.ofSeconds(30);

  /** The columns every row has, in order. */
  static final StructType FIXED =
      new StructType()
          .add(ServingProperties.LOG_TIMESTAMP, DataTypes.TimestampType)
          .add(ServingProperties.LOG_REQUEST_ID, DataTypes.StringType)
          .add(ServingProperties.LOG_MODEL_NAME, DataTypes.StringType)
          .add(ServingProperties.LOG_MODEL_VERSION, DataTypes.StringType)
          .add(ServingProperties.LOG_PREDICTION, DataTypes.DoubleType)
          .add(ServingProperties.LOG_PROBABILITY, DataTypes.DoubleType)
          .add(ServingProperties.LOG_LABEL, DataTypes.DoubleType)
          .add(ServingProperties.LOG_LATENCY_MS, DataTypes.DoubleType);

  /** The log's columns for one request schema (request columns renamed where they clash). */
  record Layout(StructType schema) {}

  private record Pending(Layout layout, Object[] values) {}

  private final SparkSession spark;
  private final String table;
  private final Duration flushInterval;
  private final int batchRows;
  private final BlockingQueue<Pending> queue;
  private final Thread writer;
  private final AtomicLong appended = new AtomicLong();
  private final Map<StructType, Layout> layouts = new ConcurrentHashMap<>();
  private final String appId = "lakeops-serve-" + UUID.randomUUID();
  private final AtomicLong commits = new AtomicLong();
  private volatile KernelAppender kernel;
  private volatile boolean closing;

  private InferenceLog(SparkSession spark, String table, ServingSpec spec) {
    this.spark = spark;
    this.table = table;
    this.flushInterval = spec.logFlushInterval();
    this.batchRows = spec.logBatchRows();
    this.queue = new ArrayBlockingQueue<>(spec.logCapacity());
    this.writer = new Thread(this::run, "lakeops-inference-log");
    this.writer.setDaemon(true);
  }

  /**
   * Starts the log of {@code table}, creating its schema if missing (the table comes with the first
   * layout).
   */
  static InferenceLog start(SparkSession spark, String table, ServingSpec spec) {
    String schema = table.substring(0, table.lastIndexOf('.'));
    spark.sql("CREATE SCHEMA IF NOT EXISTS " + schema);
    InferenceLog log = new InferenceLog(spark, table, spec);
    log.writer.start();
    return log;
  }

  String table() {
    return table;
  }

  /**
   * Readies the log for a model whose requests carry {@code requestSchema}, before it serves:
   * creates the table if missing, and refuses a column the table already has with another type.
   */
  void prepare(StructType requestSchema) {
    layouts.computeIfAbsent(requestSchema, this::layout);
  }

  private Layout layout(StructType requestSchema) {
    StructType schema = FIXED;
    for (StructField field : requestSchema.fields()) {
      String name =
          Arrays.asList(FIXED.fieldNames()).contains(field.name())
              ? ServingProperties.LOG_INPUT_PREFIX + field.name()
              : field.name();
      schema = schema.add(name, field.dataType(), true);
    }
    if (!spark.catalog().tableExists(table)) {
      // A checkpoint every 100 appends rather than 10: each one is a Spark job in the serving JVM.
      spark.sql(
          String.format(
              "CREATE TABLE IF NOT EXISTS %s (%s) USING delta COMMENT 'Every row scored "
                  + "by lakeops serve' TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', "
                  + "'delta.checkpointInterval' = '100')",
              table, schema.toDDL()));
    }
    StructType existing = spark.table(table).schema();
    List<String> added = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (!Arrays.asList(existing.fieldNames()).contains(field.name())) {
        added.add(quoted(field.name()) + " " + field.dataType().sql());
      } else if (!existing.apply(field.name()).dataType().equals(field.dataType())) {
        throw ServingErrors.logTypeClash(
            table,
            field.name(),
            existing.apply(field.name()).dataType().simpleString(),
            field.dataType().simpleString());
      }
    }
    if (!added.isEmpty()) {
      spark.sql("ALTER TABLE " + table + " ADD COLUMNS (" + String.join(", ", added) + ")");
    }
    kernel = openKernel();
    return new Layout(schema);
  }

  /** Kernel's appender of the table, once the session is known to be allowed to write it. */
  private KernelAppender openKernel() {
    String location = spark.sql("DESCRIBE DETAIL " + table).first().getAs("location");
    List<String> parts = nameParts();
    String catalog = parts.size() > 2 ? parts.remove(0) : spark.catalog().currentCatalog();
    AccessControl.checkCatalogWrite(spark, "INSERT", catalog, String.join(".", parts), location);
    KernelAppender appender = KernelAppender.of(spark.sessionState().newHadoopConf(), location);
    if (appender.supportsTable()) {
      return appender;
    }
    LOG.info("Inference log {}: a column type Kernel does not write; appending with Spark", table);
    return null;
  }

  private List<String> nameParts() {
    try {
      return new ArrayList<>(
          scala.jdk.javaapi.CollectionConverters.asJava(
              spark.sessionState().sqlParser().parseMultipartIdentifier(table)));
    } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
      throw new IllegalArgumentException("Invalid inference log table: " + table, e);
    }
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * Queues the rows of one request (waiting if the queue is full); the model's request schema was
   * {@link #prepare prepared}.
   *
   * @param inputs the request's rows, in its request schema's order
   */
  void append(
      ServedModel model,
      String requestId,
      long arrivedMillis,
      double latencyMs,
      List<Object[]> inputs,
      ServedModel.Scored scored) {
    Layout layout = layouts.get(model.requestSchema());
    Timestamp time = new Timestamp(arrivedMillis);
    String version = Integer.toString(model.version());
    int fixed = FIXED.size();
    try {
      for (int i = 0; i < inputs.size(); i++) {
        Object[] values = new Object[layout.schema().size()];
        values[0] = time;
        values[1] = requestId;
        values[2] = model.name();
        values[3] = version;
        values[4] = scored.predictions()[i];
        values[5] = scored.probabilities()[i];
        values[7] = latencyMs;
        System.arraycopy(inputs.get(i), 0, values, fixed, values.length - fixed);
        queue.put(new Pending(layout, values));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakeOpsException(
          "Cannot log the inference of request " + requestId + ": interrupted", e);
    }
  }

  /** Rows appended to the table so far. */
  long appended() {
    return appended.get();
  }

  /**
   * Appends every queued row, then stops the writer (which notices within one flush interval; it is
   * not interrupted, as an interrupt would break a Delta commit under way).
   */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(ServingProperties.SHUTDOWN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive() || !queue.isEmpty()) {
      LOG.error(
          "Inference log {}: {} rows could not be appended before shutdown", table, queue.size());
    }
  }

  private void run() {
    spark
        .sparkContext()
        .setJobGroup(ServingProperties.JOB_GROUP, "Append the inference log", false);
    List<Pending> batch = new ArrayList<>();
    long deadline = System.nanoTime() + flushInterval.toNanos();
    while (!(closing && queue.isEmpty() && batch.isEmpty())) {
      try {
        long wait = closing ? 0 : Math.max(0, deadline - System.nanoTime());
        Pending next = batch.size() >= batchRows ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
        if (next != null) {
          batch.add(next);
          queue.drainTo(batch, batchRows - batch.size());
        }
      } catch (InterruptedException e) {
        closing = true; // the JVM is going down: append what is queued and stop
      }
      if (!batch.isEmpty()
          && (closing || batch.size() >= batchRows || System.nanoTime() >= deadline)) {
        write(batch);
        batch.clear();
      }
      if (System.nanoTime() >= deadline) {
        deadline = System.nanoTime() + flushInterval.toNanos();
      }
    }
  }

  /** Appends {@code batch}, one append per layout, each retried until it is in the table. */
  private void write(List<Pending> batch) {
    Map<Layout, List<Object[]>> byLayout = new LinkedHashMap<>();
    for (Pending pending : batch) {
      byLayout.computeIfAbsent(pending.layout(), l -> new ArrayList<>()).add(pending.values());
    }
    byLayout.forEach(this::appendWithRetries);
  }

  private void appendWithRetries(Layout layout, List<Object[]> rows) {
    Duration backoff = Duration.ofSeconds(1);
    long giveUp = System.nanoTime() + ServingProperties.SHUTDOWN_TIMEOUT.toNanos();
    long commit = commits.getAndIncrement(); // one transaction version for every retry of it
    while (true) {
      try {
        long started = System.nanoTime();
        append(layout, rows, commit);
        appended.addAndGet(rows.size());
        LOG.debug(
            "Appended {} rows to {} in {} ms",
            rows.size(),
            table,
            (System.nanoTime() - started) / 1_000_000);
        return;
      } catch (RuntimeException e) {
        if (closing && System.nanoTime() > giveUp) {
          LOG.error(
              "Cannot append {} rows to inference log {}: {}", rows.size(), table, e.getMessage());
          return;
        }
        LOG.warn(
            "Cannot append {} rows to inference log {} (retrying in {}s): {}",
            rows.size(),
            table,
            backoff.toSeconds(),
            e.getMessage());
        sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : backoff.multipliedBy(2);
      }
    }
  }

  private void append(Layout layout, List<Object[]> rows, long commit) {
    KernelAppender appender = kernel;
    if (appender != null) {
      appender.append(Arrays.asList(layout.schema().fieldNames()), rows, appId, commit);
      return;
    }
    List<Row> sparkRows = new ArrayList<>(rows.size());
    for (Object[] values : rows) {
      sparkRows.add(RowFactory.create(values));
    }
    spark
        .createDataFrame(sparkRows, layout.schema())
        .write()
        .format("delta")
        .mode("append")
        .option("mergeSchema", "true")
        .saveAsTable(table);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      // keep retrying: rows are only given up at the shutdown deadline
    }
  }
}
