package lakeops.serving;

import java.time.Duration;

/** Names and defaults of online serving. */
public final class ServingProperties {

  private ServingProperties() {}

  /** Address the server binds when none is given: loopback only. */
  public static final String HOST_DEFAULT = "127.0.0.1";

  /** Port the server listens on when none is given (MLflow's {@code models serve} uses 5000). */
  public static final int PORT_DEFAULT = 8080;

  /** Alias served when the model is named without one. */
  public static final String ALIAS_DEFAULT = "champion";

  /** Environment variable read for the bearer token when no other source is named; never logged. */
  public static final String TOKEN_ENV_DEFAULT = "LAKEOPS_SERVING_TOKEN";

  /** Largest request body, in bytes; a larger one is answered 413. */
  public static final int MAX_BODY_BYTES_DEFAULT = 4 * 1024 * 1024;

  /** Most rows one request may carry. */
  public static final int MAX_ROWS_DEFAULT = 10_000;

  /**
   * How often the registry is asked where the alias points (and feature tables for new versions).
   */
  public static final Duration POLL_INTERVAL_DEFAULT = Duration.ofSeconds(10);

  /** Threads answering HTTP requests (Netty event loops); 0: twice the processors. */
  public static final int IO_THREADS_DEFAULT = 0;

  /** Threads scoring requests that go through Spark (fallback stages, lookups Spark must do). */
  public static final int SPARK_THREADS_DEFAULT = 2;

  /** Table, in the environment's catalog, the inference log is appended to. */
  public static final String INFERENCE_LOG_TABLE = "ml.inference_log";

  /**
   * The inference log is appended at least this often while requests come in. Each append is a
   * Spark job in the serving JVM (about a second of CPU on a busy 2-core machine), so fewer appends
   * keep the latency of requests steadier; rows reach the table this much later at most.
   */
  public static final Duration LOG_FLUSH_INTERVAL_DEFAULT = Duration.ofSeconds(10);

  /** Rows that make the inference log append at once, before its interval ends. */
  public static final int LOG_BATCH_ROWS_DEFAULT = 50_000;

  /**
   * Rows the inference log holds before requests wait for it (never dropped): the log falls behind
   * only when appends fail or are slower than the requests.
   */
  public static final int LOG_CAPACITY_DEFAULT = 1_000_000;

  /** How long a clean shutdown waits for requests in flight to finish. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** How long a clean shutdown may take in all (draining and the last append of the log). */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Priority of the shutdown hook among Hadoop's: above Spark's own hook (which stops the
   * SparkContext), so the last inference-log rows are appended while Spark still runs.
   */
  public static final int SHUTDOWN_HOOK_PRIORITY = 100;

  /** Feature rows a lookup keeps in memory at most; a larger table is looked up through Spark. */
  public static final long ONLINE_FEATURE_ROWS_MAX = 5_000_000L;

  /** Job group of the Spark jobs of the inference log, feature loading and model loading. */
  public static final String JOB_GROUP = "lakeops-serving";

  /** Output column of a classifier's class probabilities. */
  public static final String PROBABILITY_COLUMN = "probability";

  /** Inference-log columns written for every scored row, before the request's own columns. */
  public static final String LOG_TIMESTAMP = "timestamp";

  /** Inference-log column: the request's id (one per HTTP request; its rows share it). */
  public static final String LOG_REQUEST_ID = "request_id";

  /** Inference-log column: the registered model's name. */
  public static final String LOG_MODEL_NAME = "model_name";

  /** Inference-log column: the version that scored the row, as a string (monitors group by it). */
  public static final String LOG_MODEL_VERSION = "model_version";

  /** Inference-log column: the prediction. */
  public static final String LOG_PREDICTION = "prediction";

  /** Inference-log column: the probability of class 1 of a binary classifier, else null. */
  public static final String LOG_PROBABILITY = "probability";

  /**
   * Inference-log column: the label, null when logged; joined in later for model-quality metrics.
   */
  public static final String LOG_LABEL = "label";

  /** Inference-log column: milliseconds from the request's arrival to its answer. */
  public static final String LOG_LATENCY_MS = "latency_ms";

  /** Prefix of a request column whose name is also one of the log's own columns. */
  public static final String LOG_INPUT_PREFIX = "input_";
}
