package lakeops.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import lakeops.exceptions.ValidationException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Incremental ingestion of a landing folder into a bronze Delta table:
 *
 * <pre>{@code
 * IngestResult result = Ingestion.from("/landing/flights", SourceFormat.CSV)
 *     .into(TableName.parse("dev.bronze.flights", spark)).run(spark);
 * }</pre>
 *
 * <ul>
 *   <li>Files already ingested are never read again: a Structured Streaming file source with {@code
 *       Trigger.AvailableNow} and a checkpoint under {@code <root>/_checkpoints/<schema>/<table>}.
 *   <li>The source schema is fixed by the first run (given, or inferred from the files then) and
 *       kept beside the checkpoint; later runs read every file with it.
 *   <li>Malformed CSV and JSON records are never dropped: they go to {@code <table>_quarantine}
 *       with the raw text, the file and the reason.
 *   <li>Bronze rows carry {@value IngestProperties#SOURCE_FILE_COLUMN}, {@value
 *       IngestProperties#INGEST_TIME_COLUMN} and {@value IngestProperties#BATCH_COLUMN}.
 *   <li>Each batch is written with Delta's {@code txnAppId}/{@code txnVersion}, so a batch replayed
 *       after a crash between the Delta commit and the checkpoint commit is not written twice.
 * </ul>
 *
 * @param source the landing folder (local path or URI)
 * @param format the format of its files
 * @param schema the source schema for the first run, or null to infer it
 * @param target the bronze table, or null until {@link #into} is called
 * @param maxFilesPerBatch files read per streaming batch at most
 */
record Ingestion(
    String source, SourceFormat format, StructType schema, TableName target, int maxFilesPerBatch) {

  private static final String STEP = "ingest";

  /** Refuses a missing source or format and fewer than one file per batch. */
  public Ingestion {
    if (source == null || source.isBlank()) {
      throw IngestErrors.noSource();
    }
    if (format == null) {
      throw IngestErrors.noFormat();
    }
    if (maxFilesPerBatch < 1) {
      throw IngestErrors.badMaxFiles(maxFilesPerBatch);
    }
  }

  /** Ingestion of the files of {@code source}, all in {@code format}. */
  public static Ingestion from(String source, SourceFormat format) {
    return new Ingestion(source, format, null, null, IngestProperties.MAX_FILES_PER_BATCH_DEFAULT);
  }

  /** Reads the source with {@code sourceSchema} instead of inferring it (first run only). */
  public Ingestion withSchema(StructType sourceSchema) {
    return new Ingestion(source, format, sourceSchema, target, maxFilesPerBatch);
  }

  /**
   * Reads the source with the schema of the Spark DDL {@code ddl} ({@code "date TIMESTAMP_NTZ,
   * delay BIGINT"}) instead of inferring it (first run only); a null {@code ddl} keeps this
   * ingestion's schema.
   */
  public Ingestion withSchemaDdl(String ddl) {
    if (ddl == null) {
      return this;
    }
    try {
      return withSchema(StructType.fromDDL(ddl));
    } catch (RuntimeException e) {
      throw new ValidationException(
          "Invalid --schema '"
              + ddl
              + "': expected Spark DDL such as "
              + "\"date TIMESTAMP_NTZ, delay BIGINT\"");
    }
  }

  /** Reads at most {@code files} files per streaming batch. */
  public Ingestion maxFilesPerBatch(int files) {
    return new Ingestion(source, format, schema, target, files);
  }

  /** Ingests into the bronze table {@code table}. */
  public Ingestion into(TableName table) {
    return new Ingestion(source, format, schema, table, maxFilesPerBatch);
  }

  /** The quarantine table of malformed records: {@code <target>_quarantine}. */
  public TableName quarantine() {
    return requireTarget().withSuffix(IngestProperties.QUARANTINE_SUFFIX);
  }

  /** Ingests every file of the source not ingested before, then returns what it did. */
  public IngestResult run(SparkSession spark) {
    TableName table = requireTarget();
    StructType sourceSchema = fixedSchema(spark);
    Counters counters = new Counters();
    StreamingQuery query;
    try {
      query =
          read(spark, sourceSchema)
              .writeStream()
              .queryName("lakeops-ingest-" + table)
              .trigger(Trigger.AvailableNow())
              .option("checkpointLocation", table.checkpoint(spark) + "/" + STEP)
              .foreachBatch(batchWriter(table, counters))
              .start();
      query.awaitTermination();
    } catch (java.util.concurrent.TimeoutException
        | org.apache.spark.sql.streaming.StreamingQueryException e) {
      throw IngestErrors.stepFailed("ingest " + source + " into " + table, e);
    }
    return new IngestResult(
        table,
        counters.batches.get(),
        counters.read.get(),
        counters.ingested.get(),
        counters.quarantined.get());
  }

  private Dataset<Row> read(SparkSession spark, StructType sourceSchema) {
    DataStreamReader reader =
        spark
            .readStream()
            .format(format.sparkName())
            .option("maxFilesPerTrigger", Integer.toString(maxFilesPerBatch));
    StructType readSchema = sourceSchema;
    if (format.isText()) {
      readSchema = sourceSchema.add(IngestProperties.CORRUPT_RECORD_COLUMN, DataTypes.StringType);
      reader =
          reader
              .option("mode", "PERMISSIVE")
              .option("columnNameOfCorruptRecord", IngestProperties.CORRUPT_RECORD_COLUMN);
    }
    if (format == SourceFormat.CSV) {
      reader = reader.option("header", "true");
    }
    return reader
        .schema(readSchema)
        .load(source)
        .withColumn(IngestProperties.SOURCE_FILE_COLUMN, col("_metadata.file_path"));
  }

  private VoidFunction2<Dataset<Row>, Long> batchWriter(TableName table, Counters counters) {
    boolean text = format.isText();
    TableName quarantineTable = quarantine();
    String appId = DeltaWrites.appId(STEP, table);
    return (rows, batchId) -> {
      Dataset<Row> batch =
          rows.withColumn(IngestProperties.INGEST_TIME_COLUMN, current_timestamp())
              .withColumn(IngestProperties.BATCH_COLUMN, lit(batchId))
              .persist();
      try {
        Dataset<Row> good = batch;
        long quarantined = 0;
        if (text) {
          good =
              batch
                  .where(col(IngestProperties.CORRUPT_RECORD_COLUMN).isNull())
                  .drop(IngestProperties.CORRUPT_RECORD_COLUMN);
          Dataset<Row> bad = malformed(batch);
          quarantined = bad.count();
          DeltaWrites.append(bad, quarantineTable, appId, batchId);
        }
        long read = batch.count();
        DeltaWrites.append(good, table, appId, batchId);
        counters.add(read, read - quarantined, quarantined);
        BatchPause.pauseForTests();
      } finally {
        batch.unpersist();
      }
    };
  }

  private static Dataset<Row> malformed(Dataset<Row> batch) {
    return batch
        .where(col(IngestProperties.CORRUPT_RECORD_COLUMN).isNotNull())
        .select(
            col(IngestProperties.CORRUPT_RECORD_COLUMN).as(IngestProperties.RAW_RECORD_COLUMN),
            lit(IngestProperties.MALFORMED_REASON).as(IngestProperties.REASON_COLUMN),
            col(IngestProperties.SOURCE_FILE_COLUMN),
            col(IngestProperties.INGEST_TIME_COLUMN),
            col(IngestProperties.BATCH_COLUMN));
  }

  /**
   * The schema of the first run, stored beside the checkpoint; fixes it now if this is the first.
   */
  private StructType fixedSchema(SparkSession spark) {
    Path file = new Path(requireTarget().checkpoint(spark), IngestProperties.SCHEMA_FILE);
    try {
      FileSystem fs = file.getFileSystem(spark.sessionState().newHadoopConf());
      if (fs.exists(file)) {
        StructType stored = readSchema(fs, file);
        if (schema != null && !schema.sameType(stored)) {
          throw IngestErrors.schemaChanged(target, stored.toDDL(), schema.toDDL());
        }
        return stored;
      }
      StructType fixed = schema != null ? schema : infer(spark);
      try (OutputStream out = fs.create(file, false)) {
        out.write(fixed.json().getBytes(StandardCharsets.UTF_8));
      }
      return fixed;
    } catch (IOException e) {
      throw IngestErrors.cannot("read or write the source schema " + file, e);
    }
  }

  private StructType infer(SparkSession spark) {
    try {
      StructType inferred =
          spark
              .read()
              .format(format.sparkName())
              .option("header", "true")
              .option("inferSchema", "true")
              .load(source)
              .schema();
      if (inferred.fields().length == 0) {
        throw IngestErrors.nothingToInfer(source);
      }
      return inferred;
    } catch (ValidationException e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException too (an empty or unreadable folder)
      throw IngestErrors.cannotInfer(source, e);
    }
  }

  private static StructType readSchema(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return (StructType) DataType.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private TableName requireTarget() {
    if (target == null) {
      throw IngestErrors.noTarget("ingestion", source);
    }
    return target;
  }

  /** Running totals of one run, added to by the batches on the driver. */
  private static final class Counters implements java.io.Serializable {
    final AtomicLong batches = new AtomicLong();
    final AtomicLong read = new AtomicLong();
    final AtomicLong ingested = new AtomicLong();
    final AtomicLong quarantined = new AtomicLong();

    void add(long readRows, long ingestedRows, long quarantinedRows) {
      batches.incrementAndGet();
      read.addAndGet(readRows);
      ingested.addAndGet(ingestedRows);
      quarantined.addAndGet(quarantinedRows);
    }
  }
}
