package lakeops.monitoring;

/**
 * Every setting name and default of the monitoring area, in the style of Iceberg's {@code
 * TableProperties}: a Spark conf key {@code NAME} beside its default {@code NAME_DEFAULT}. The
 * Spark conf keys all start with {@link #CONF_PREFIX}, so {@code spark-submit --conf} passes them
 * on; the names they had before, without {@code spark.} ({@code lakeops.monitoring.*}), are still
 * read for one release, with a deprecation warning. YAML keys of {@code conf/monitors/*.yml} are
 * documented in {@code conf/monitors/README.md}, formulas in {@code conf/monitors/statistics.md}.
 */
final class MonitorProperties {

  private MonitorProperties() {}

  /** Folder of monitor specs, relative to the home's {@code conf/}. */
  public static final String MONITORS_DIR = "monitors";

  /** Schema of every metric table in an environment catalog. */
  public static final String SCHEMA = "monitoring";

  /** Suffix of the profile metrics table: {@code <env>.monitoring.<monitor>_profile_metrics}. */
  public static final String PROFILE_SUFFIX = "_profile_metrics";

  /** Suffix of the drift metrics table: {@code <env>.monitoring.<monitor>_drift_metrics}. */
  public static final String DRIFT_SUFFIX = "_drift_metrics";

  /**
   * Suffix of the state table: per window the serialized sketches the drift is computed from, and
   * the window's fingerprint, so refreshes recompute only changed windows (Deequ's mergeable
   * states).
   */
  public static final String STATE_SUFFIX = "_profile_state";

  /** Table of fired alerts, shared by all monitors: {@code <env>.monitoring.alerts}. */
  public static final String ALERTS_TABLE = "alerts";

  /** {@code column_name} of table-level and model-quality rows (Databricks' convention). */
  public static final String TABLE_COLUMN = ":table";

  /** {@code model_id} of rows over all model versions. */
  public static final String ALL_MODELS = "*";

  /** Prefix of every Spark conf key of the monitoring area. */
  public static final String CONF_PREFIX = "spark.lakeops.monitoring.";

  /**
   * Prefix the Spark conf keys had before {@link #CONF_PREFIX} (spark-submit drops keys that do not
   * start with {@code spark.}): still read for one release when the new key is not set, with a
   * warning.
   */
  static final String DEPRECATED_CONF_PREFIX = "lakeops.monitoring.";

  /**
   * Spark conf: distinct values a numeric sketch keeps exactly before it compacts (then
   * approximate).
   */
  public static final String NUMERIC_SKETCH_SIZE = "spark.lakeops.monitoring.numericSketchSize";

  /**
   * Default of {@link #NUMERIC_SKETCH_SIZE}: exact statistics up to 4096 distinct values per
   * window.
   */
  public static final int NUMERIC_SKETCH_SIZE_DEFAULT = 4096;

  /**
   * Spark conf: the relative accuracy of the buckets (DDSketch) a numeric sketch turns into past
   * its capacity: every value is counted in a bucket whose representative is within this fraction
   * of it.
   */
  public static final String NUMERIC_SKETCH_ACCURACY =
      "spark.lakeops.monitoring.numericSketchRelativeAccuracy";

  /** Default of {@link #NUMERIC_SKETCH_ACCURACY}: 0.5%. */
  public static final double NUMERIC_SKETCH_ACCURACY_DEFAULT = 0.005;

  /** Log2 of the HLL registers of approximate distinct counts: 4096 registers, about 1.6% error. */
  public static final int HLL_LG_K = 12;

  /**
   * The relative standard deviation Spark's {@code approx_count_distinct} takes for {@link
   * #HLL_LG_K} bits of register index: distinct counts of numeric and other columns equal its
   * result with it.
   */
  public static final double DISTINCT_RELATIVE_SD = 0.0173;

  /**
   * Spark conf: whether the profile scan reads tables Spark scans as column vectors (Parquet and
   * Delta with the vectorized reader) straight from the vectors; off, every scan goes through rows.
   */
  public static final String COLUMNAR_SCAN = "spark.lakeops.monitoring.columnarScan";

  /** Default of {@link #COLUMNAR_SCAN}: on. Both ways give the same metrics and fingerprints. */
  public static final boolean COLUMNAR_SCAN_DEFAULT = true;

  /**
   * Commits of the Delta log the columnar scan reads at most to find the files of a baseline that
   * is an older version of the monitored table, so as to profile it from the same read; past it the
   * baseline is read as its own version.
   */
  public static final long SHARED_BASELINE_MAX_COMMITS = 200;

  /**
   * Spark conf: categories a categorical sketch counts exactly; past twice as many, the rarest fold
   * into {@link #OTHER}.
   */
  public static final String CATEGORY_LIMIT = "spark.lakeops.monitoring.categoryLimit";

  /** Default of {@link #CATEGORY_LIMIT}. */
  public static final int CATEGORY_LIMIT_DEFAULT = 1000;

  /** The category that rare categories fold into past {@link #CATEGORY_LIMIT}. */
  public static final String OTHER = "__other__";

  /** Items in {@code frequent_items} of a profile row. */
  public static final int FREQUENT_ITEMS = 10;

  /** Quantiles of the {@code quantiles} column of a profile row. */
  public static final double[] QUANTILES = {
    0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0
  };

  /** Proportion an empty bin is given in PSI (as Evidently), so the logarithm stays finite. */
  public static final double PSI_EMPTY_BIN = 1e-4;

  /**
   * Windows of history an anomaly rule needs before it can fire (mean ± k·σ of the earlier ones).
   */
  public static final int ANOMALY_MIN_HISTORY_DEFAULT = 5;

  /** Standard deviations of an anomaly rule when its spec does not say. */
  public static final double ANOMALY_SIGMAS_DEFAULT = 3.0;

  /**
   * Columns of {@code alerts.rules[].of_last} when the rule does not say: the newest window alone.
   */
  public static final int OF_LAST_DEFAULT = 1;

  /** Default report file, relative to the working directory. */
  public static final String REPORT_FILE_DEFAULT = "monitor-report.html";
}
