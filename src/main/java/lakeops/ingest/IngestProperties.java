package lakeops.ingest;

/** Names and defaults of the ingestion, expectations and medallion steps. */
final class IngestProperties {

  private IngestProperties() {}

  /** Bronze column: the file a row was read from. */
  public static final String SOURCE_FILE_COLUMN = "_source_file";

  /** Bronze column: when the batch that ingested a row ran. */
  public static final String INGEST_TIME_COLUMN = "_ingested_at";

  /** Bronze column: the streaming batch that ingested a row. */
  public static final String BATCH_COLUMN = "_batch_id";

  /** Spark's column holding the text of a malformed CSV or JSON record while it is read. */
  public static final String CORRUPT_RECORD_COLUMN = "_corrupt_record";

  /**
   * Suffix of a table's quarantine table, in the same schema: {@code bronze.flights_quarantine}.
   */
  public static final String QUARANTINE_SUFFIX = "_quarantine";

  /** Quarantine column: the raw record (bronze) or the rules it failed (silver). */
  public static final String RAW_RECORD_COLUMN = "_raw_record";

  /** Quarantine column: why a row is there. */
  public static final String REASON_COLUMN = "_reason";

  /** Quarantine column of silver: names of the {@code drop} expectations a row failed. */
  public static final String FAILED_RULES_COLUMN = "_failed_rules";

  /** Reason of a bronze quarantine row. */
  public static final String MALFORMED_REASON = "malformed record";

  /**
   * Folder under an environment's storage root holding streaming checkpoints and inferred schemas:
   * {@code <root>/_checkpoints/<schema>/<table>/}. Hidden from the catalog (leading '_').
   */
  public static final String CHECKPOINTS_DIR = "_checkpoints";

  /**
   * File of a bronze table's checkpoint folder holding the source schema fixed by the first run.
   */
  public static final String SCHEMA_FILE = "source-schema.json";

  /** Files read per streaming batch at most (Spark's {@code maxFilesPerTrigger}). */
  public static final int MAX_FILES_PER_BATCH_DEFAULT = 100;

  /** Schema of the data-quality metrics table, in every environment's catalog. */
  public static final String DQ_METRICS_TABLE = "monitoring.dq_metrics";

  /**
   * Folder of {@code conf/} with one expectations file per silver table: {@code
   * silver.flights.yml}.
   */
  public static final String EXPECTATIONS_DIR = "expectations";

  /** Prefix of the Delta {@code txnAppId} of each step, followed by the target table. */
  public static final String TXN_APP_PREFIX = "lakeops:";

  /**
   * Test aid: milliseconds each streaming batch waits after its Delta commits and before Spark
   * commits the batch to the checkpoint (0 = none), the window where a killed run leaves a batch
   * written but not checkpointed.
   */
  public static final String BATCH_PAUSE_ENV = "LAKEOPS_INGEST_BATCH_PAUSE_MS";
}
