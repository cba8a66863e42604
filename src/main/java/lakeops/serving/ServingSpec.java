package lakeops.serving;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@link ModelServer} serves and how: the registered model and the alias (followed as it
 * moves) or version (pinned), the address, the bearer token, request limits, how often the registry
 * is polled, feature lookup and the inference log. Immutable; build with {@link #builder(String)}.
 * The token is kept as a digest and never shown ({@link #toString()} says only where it came from).
 *
 * <pre>{@code ServingSpec spec = ServingSpec.builder("prod.ml.flight_delay@champion")
 *     .port(8080).tokenFromEnvironment("LAKEOPS_SERVING_TOKEN").build();}</pre>
 */
public final class ServingSpec {

  private final String modelName;
  private final String alias;
  private final Integer version;
  private final String host;
  private final int port;
  private final BearerToken token;
  private final int maxBodyBytes;
  private final int maxRows;
  private final Duration pollInterval;
  private final boolean featureLookup;
  private final boolean inferenceLog;
  private final String inferenceLogTable;
  private final Duration logFlushInterval;
  private final int logBatchRows;
  private final int logCapacity;
  private final int ioThreads;
  private final int sparkThreads;

  private ServingSpec(Builder b) {
    this.modelName = b.modelName;
    this.alias = b.alias;
    this.version = b.version;
    this.host = b.host;
    this.port = b.port;
    this.token = b.token;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxRows = b.maxRows;
    this.pollInterval = b.pollInterval;
    this.featureLookup = b.featureLookup;
    this.inferenceLog = b.inferenceLog;
    this.inferenceLogTable = b.inferenceLogTable;
    this.logFlushInterval = b.logFlushInterval;
    this.logBatchRows = b.logBatchRows;
    this.logCapacity = b.logCapacity;
    this.ioThreads = b.ioThreads;
    this.sparkThreads = b.sparkThreads;
  }

  /**
   * A builder serving {@code model}: {@code NAME@ALIAS} (followed as the alias moves), {@code
   * NAME/VERSION} (pinned), either with a {@code models:/} prefix, or {@code NAME} (alias {@value
   * ServingProperties#ALIAS_DEFAULT}). NAME is the registered name ({@code prod.ml.flight_delay}).
   */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /** Registered model name. */
  public String modelName() {
    return modelName;
  }

  /** The alias served, followed as it moves; empty when a version is pinned. */
  public Optional<String> alias() {
    return Optional.ofNullable(alias);
  }

  /** The pinned version; empty when an alias is followed. */
  public Optional<Integer> version() {
    return Optional.ofNullable(version);
  }

  /** {@code models:/NAME@ALIAS} or {@code models:/NAME/VERSION}. */
  public String modelUri() {
    return "models:/" + modelName + (alias != null ? "@" + alias : "/" + version);
  }

  public String host() {
    return host;
  }

  /** Port to listen on; 0 picks a free one ({@link ModelServer#port()} tells which). */
  public int port() {
    return port;
  }

  /** Whether requests must carry the bearer token. */
  public boolean requiresToken() {
    return token != null;
  }

  BearerToken token() {
    return token;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public int maxRows() {
    return maxRows;
  }

  public Duration pollInterval() {
    return pollInterval;
  }

  /**
   * Whether requests carry only the lookup keys and times, features coming from the feature tables.
   */
  public boolean featureLookup() {
    return featureLookup;
  }

  /** Whether every scored row is appended to the inference log. */
  public boolean inferenceLog() {
    return inferenceLog;
  }

  /**
   * The inference log table; empty: {@code <environment>.}{@value
   * ServingProperties#INFERENCE_LOG_TABLE}.
   */
  public Optional<String> inferenceLogTable() {
    return Optional.ofNullable(inferenceLogTable);
  }

  public Duration logFlushInterval() {
    return logFlushInterval;
  }

  public int logBatchRows() {
    return logBatchRows;
  }

  public int logCapacity() {
    return logCapacity;
  }

  public int ioThreads() {
    return ioThreads;
  }

  public int sparkThreads() {
    return sparkThreads;
  }

  @Override
  public String toString() {
    return String.format(
        "%s on %s:%d (%s, at most %d rows and %d bytes a request, polling every %ss%s%s)",
        modelUri(),
        host,
        port,
        token == null ? "no token" : token,
        maxRows,
        maxBodyBytes,
        pollInterval.toMillis() / 1000.0,
        featureLookup ? ", feature lookup" : "",
        inferenceLog
            ? ", inference log "
                + (inferenceLogTable == null ? "of the environment" : inferenceLogTable)
            : ", no inference log");
  }

  /** Builder of {@link ServingSpec}; every setting has a default from {@link ServingProperties}. */
  public static final class Builder {
    private final String modelName;
    private final String alias;
    private final Integer version;
    private String host = ServingProperties.HOST_DEFAULT;
    private int port = ServingProperties.PORT_DEFAULT;
    private BearerToken token;
    private int maxBodyBytes = ServingProperties.MAX_BODY_BYTES_DEFAULT;
    private int maxRows = ServingProperties.MAX_ROWS_DEFAULT;
    private Duration pollInterval = ServingProperties.POLL_INTERVAL_DEFAULT;
    private boolean featureLookup = true;
    private boolean inferenceLog = true;
    private String inferenceLogTable;
    private Duration logFlushInterval = ServingProperties.LOG_FLUSH_INTERVAL_DEFAULT;
    private int logBatchRows = ServingProperties.LOG_BATCH_ROWS_DEFAULT;
    private int logCapacity = ServingProperties.LOG_CAPACITY_DEFAULT;
    private int ioThreads = ServingProperties.IO_THREADS_DEFAULT;
    private int sparkThreads = ServingProperties.SPARK_THREADS_DEFAULT;

    private Builder(String model) {
      if (model == null || model.isBlank()) {
        throw ServingErrors.invalidModel(String.valueOf(model));
      }
      String reference = model.strip();
      if (reference.startsWith("models:/")) {
        reference = reference.substring("models:/".length());
      }
      int at = reference.lastIndexOf('@');
      int slash = reference.lastIndexOf('/');
      if (at > 0) {
        modelName = reference.substring(0, at);
        alias = reference.substring(at + 1);
        version = null;
      } else if (slash > 0 && reference.substring(slash + 1).matches("\\d+")) {
        modelName = reference.substring(0, slash);
        alias = null;
        version = Integer.valueOf(reference.substring(slash + 1));
      } else {
        modelName = reference;
        alias = ServingProperties.ALIAS_DEFAULT;
        version = null;
      }
      if (modelName.isEmpty()
          || modelName.contains("/")
          || modelName.contains("@")
          || (alias != null && (alias.isEmpty() || alias.contains("/")))) {
        throw ServingErrors.invalidModel(model);
      }
    }

    /** Address to bind (default loopback {@value ServingProperties#HOST_DEFAULT}). */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw ServingErrors.invalidOption("host", host, "an address to bind");
      }
      this.host = host.strip();
      return this;
    }

    /** Port (0: a free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw ServingErrors.invalidOption("port", port, "0 to 65535");
      }
      this.port = port;
      return this;
    }

    /** Requires {@code token}. */
    public Builder token(String token) {
      this.token = BearerToken.of(token);
      return this;
    }

    /** Requires the token held by environment variable {@code name}, if it is set and not blank. */
    public Builder tokenFromEnvironment(String name) {
      this.token = BearerToken.fromEnvironment(name);
      return this;
    }

    /** Requires the token in the first line of {@code file}. */
    public Builder tokenFromFile(Path file) {
      this.token = BearerToken.fromFile(file);
      return this;
    }

    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = positive("maximum body size", bytes);
      return this;
    }

    public Builder maxRows(int rows) {
      this.maxRows = positive("maximum rows", rows);
      return this;
    }

    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw ServingErrors.invalidOption("poll interval", interval, "a positive duration");
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Whether to look features up from the feature tables (default: when the model has lookups).
     */
    public Builder featureLookup(boolean lookup) {
      this.featureLookup = lookup;
      return this;
    }

    /** Appends every scored row to {@code table} (default: the environment's inference log). */
    public Builder inferenceLogTable(String table) {
      if (table == null || table.split("\\.").length != 3) {
        throw ServingErrors.invalidOption("inference log table", table, "catalog.schema.table");
      }
      this.inferenceLog = true;
      this.inferenceLogTable = table;
      return this;
    }

    /** Logs nothing (for tests and benchmarks of the server alone). */
    public Builder withoutInferenceLog() {
      this.inferenceLog = false;
      this.inferenceLogTable = null;
      return this;
    }

    public Builder logFlushInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw ServingErrors.invalidOption("log flush interval", interval, "a positive duration");
      }
      this.logFlushInterval = interval;
      return this;
    }

    public Builder logBatchRows(int rows) {
      this.logBatchRows = positive("log batch rows", rows);
      return this;
    }

    public Builder logCapacity(int rows) {
      this.logCapacity = positive("log capacity", rows);
      return this;
    }

    /** HTTP threads (0: twice the processors). */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw ServingErrors.invalidOption("I/O threads", threads, "0 or more");
      }
      this.ioThreads = threads;
      return this;
    }

    public Builder sparkThreads(int threads) {
      this.sparkThreads = positive("Spark threads", threads);
      return this;
    }

    public ServingSpec build() {
      return new ServingSpec(this);
    }

    private static int positive(String option, int value) {
      if (value <= 0) {
        throw ServingErrors.invalidOption(option, value, "a positive number");
      }
      return value;
    }
  }
}
