package lakeops.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import lakeops.monitoring.ColumnProfile.Kind;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows and schemas of the profile and drift metric tables, with the column names and shapes of
 * Databricks Lakehouse Monitoring, plus LakeOps' {@code sketch} (the window's distribution, so
 * drift and later refreshes need no rescan), {@code sketch_exact} and {@code fingerprint} columns.
 */
final class MetricRows {

  private MetricRows() {}

  /** Struct and array shapes of the metric tables' columns. */
  private static final class Shapes {
    static final StructType WINDOW =
        new StructType().add("start", DataTypes.TimestampType).add("end", DataTypes.TimestampType);
    static final StructType AVERAGES =
        new StructType().add("macro", DataTypes.DoubleType).add("weighted", DataTypes.DoubleType);
    static final StructType TEST =
        new StructType().add("statistic", DataTypes.DoubleType).add("pvalue", DataTypes.DoubleType);
    static final DataType FREQUENT_ITEMS =
        DataTypes.createArrayType(
            new StructType().add("item", DataTypes.StringType).add("count", DataTypes.LongType));
    static final DataType CONFUSION =
        DataTypes.createArrayType(
            new StructType()
                .add("prediction", DataTypes.StringType)
                .add("label", DataTypes.StringType)
                .add("count", DataTypes.LongType));
    static final DataType QUANTILES = DataTypes.createArrayType(DataTypes.DoubleType);
  }

  /**
   * Columns of {@code <monitor>_profile_metrics}, in table order: a row's field index is the
   * ordinal.
   */
  enum ProfileColumn {
    WINDOW("window", Shapes.WINDOW),
    LOG_TYPE("log_type", DataTypes.StringType),
    COMMIT_VERSION("logging_table_commit_version", DataTypes.LongType),
    GRANULARITY("granularity", DataTypes.StringType),
    SLICE_KEY("slice_key", DataTypes.StringType),
    SLICE_VALUE("slice_value", DataTypes.StringType),
    MODEL_ID("model_id", DataTypes.StringType),
    COLUMN_NAME("column_name", DataTypes.StringType),
    DATA_TYPE("data_type", DataTypes.StringType),
    COUNT("count", DataTypes.LongType),
    NUM_NULLS("num_nulls", DataTypes.LongType),
    PERCENT_NULL("percent_null", DataTypes.DoubleType),
    NUM_ZEROS("num_zeros", DataTypes.LongType),
    PERCENT_ZEROS("percent_zeros", DataTypes.DoubleType),
    NUM_NAN("num_nan", DataTypes.LongType),
    PERCENT_NAN("percent_nan", DataTypes.DoubleType),
    DISTINCT_COUNT("distinct_count", DataTypes.LongType),
    PERCENT_DISTINCT("percent_distinct", DataTypes.DoubleType),
    AVG("avg", DataTypes.DoubleType),
    STDDEV("stddev", DataTypes.DoubleType),
    MIN("min", DataTypes.DoubleType),
    MAX("max", DataTypes.DoubleType),
    MEDIAN("median", DataTypes.DoubleType),
    QUANTILES("quantiles", Shapes.QUANTILES),
    FREQUENT_ITEMS("frequent_items", Shapes.FREQUENT_ITEMS),
    MIN_LENGTH("min_length", DataTypes.IntegerType),
    MAX_LENGTH("max_length", DataTypes.IntegerType),
    AVG_LENGTH("avg_length", DataTypes.DoubleType),
    ACCURACY_SCORE("accuracy_score", DataTypes.DoubleType),
    PRECISION("precision", Shapes.AVERAGES),
    RECALL("recall", Shapes.AVERAGES),
    F1_SCORE("f1_score", Shapes.AVERAGES),
    ROC_AUC_SCORE("roc_auc_score", DataTypes.DoubleType),
    LOG_LOSS("log_loss", DataTypes.DoubleType),
    CONFUSION_MATRIX("confusion_matrix", Shapes.CONFUSION),
    MEAN_ABSOLUTE_ERROR("mean_absolute_error", DataTypes.DoubleType),
    MEAN_SQUARED_ERROR("mean_squared_error", DataTypes.DoubleType),
    ROOT_MEAN_SQUARED_ERROR("root_mean_squared_error", DataTypes.DoubleType),
    R2_SCORE("r2_score", DataTypes.DoubleType),
    MEAN_ABSOLUTE_PERCENTAGE_ERROR("mean_absolute_percentage_error", DataTypes.DoubleType),
    SKETCH("sketch", DataTypes.BinaryType),
    SKETCH_EXACT("sketch_exact", DataTypes.BooleanType),
    FINGERPRINT("fingerprint", DataTypes.StringType);

    private final String column;
    private final DataType type;

    ProfileColumn(String column, DataType type) {
      this.column = column;
      this.type = type;
    }

    /** The column's name in the table. */
    String column() {
      return column;
    }

    /** The column's field index in a row of the table. */
    int index() {
      return ordinal();
    }
  }

  /**
   * Columns of {@code <monitor>_drift_metrics}, in table order: a row's field index is the ordinal.
   */
  enum DriftColumn {
    WINDOW("window", Shapes.WINDOW),
    WINDOW_CMP("window_cmp", Shapes.WINDOW),
    DRIFT_TYPE("drift_type", DataTypes.StringType),
    GRANULARITY("granularity", DataTypes.StringType),
    SLICE_KEY("slice_key", DataTypes.StringType),
    SLICE_VALUE("slice_value", DataTypes.StringType),
    MODEL_ID("model_id", DataTypes.StringType),
    COLUMN_NAME("column_name", DataTypes.StringType),
    DATA_TYPE("data_type", DataTypes.StringType),
    COUNT_DELTA("count_delta", DataTypes.DoubleType),
    AVG_DELTA("avg_delta", DataTypes.DoubleType),
    PERCENT_NULL_DELTA("percent_null_delta", DataTypes.DoubleType),
    PERCENT_ZEROS_DELTA("percent_zeros_delta", DataTypes.DoubleType),
    PERCENT_DISTINCT_DELTA("percent_distinct_delta", DataTypes.DoubleType),
    KS_TEST("ks_test", Shapes.TEST),
    POPULATION_STABILITY_INDEX("population_stability_index", DataTypes.DoubleType),
    WASSERSTEIN_DISTANCE("wasserstein_distance", DataTypes.DoubleType),
    JS_DISTANCE("js_distance", DataTypes.DoubleType),
    CHI_SQUARED_TEST("chi_squared_test", Shapes.TEST),
    TV_DISTANCE("tv_distance", DataTypes.DoubleType),
    L_INFINITY_DISTANCE("l_infinity_distance", DataTypes.DoubleType);

    private final String column;
    private final DataType type;

    DriftColumn(String column, DataType type) {
      this.column = column;
      this.type = type;
    }

    /** The column's name in the table. */
    String column() {
      return column;
    }

    /** The column's field index in a row of the table. */
    int index() {
      return ordinal();
    }
  }

  /** Schema of {@code <monitor>_profile_metrics}. */
  static final StructType PROFILE = schema(ProfileColumn.values(), c -> c.column, c -> c.type);

  /** Schema of {@code <monitor>_drift_metrics}. */
  static final StructType DRIFT = schema(DriftColumn.values(), c -> c.column, c -> c.type);

  private static final int WINDOW_START = Shapes.WINDOW.fieldIndex("start");
  private static final int WINDOW_END = Shapes.WINDOW.fieldIndex("end");

  /** The table-level row (count, model quality, fingerprint) of a window. */
  static Row tableRow(WindowKey k, long version, long rows, QualityMetrics q, String fingerprint) {
    Object[] v = new Object[PROFILE.size()];
    header(v, k, version, MonitorProperties.TABLE_COLUMN, "table");
    v[ProfileColumn.COUNT.index()] = rows;
    v[ProfileColumn.ACCURACY_SCORE.index()] = q.accuracy();
    v[ProfileColumn.PRECISION.index()] = averages(q.precisionMacro(), q.precisionWeighted());
    v[ProfileColumn.RECALL.index()] = averages(q.recallMacro(), q.recallWeighted());
    v[ProfileColumn.F1_SCORE.index()] = averages(q.f1Macro(), q.f1Weighted());
    v[ProfileColumn.ROC_AUC_SCORE.index()] = q.rocAuc();
    v[ProfileColumn.LOG_LOSS.index()] = q.logLoss();
    if (q.confusion() != null) {
      List<Row> cells = new ArrayList<>();
      q.confusion()
          .forEach(c -> cells.add(RowFactory.create(c.prediction(), c.label(), c.count())));
      v[ProfileColumn.CONFUSION_MATRIX.index()] = cells;
    }
    v[ProfileColumn.MEAN_ABSOLUTE_ERROR.index()] = q.meanAbsoluteError();
    v[ProfileColumn.MEAN_SQUARED_ERROR.index()] = q.meanSquaredError();
    v[ProfileColumn.ROOT_MEAN_SQUARED_ERROR.index()] = q.rootMeanSquaredError();
    v[ProfileColumn.R2_SCORE.index()] = q.r2();
    v[ProfileColumn.MEAN_ABSOLUTE_PERCENTAGE_ERROR.index()] = q.meanAbsolutePercentageError();
    v[ProfileColumn.FINGERPRINT.index()] = fingerprint;
    return RowFactory.create(v);
  }

  /** The row of one column of a window. */
  static Row columnRow(WindowKey k, long version, ColumnProfile c) {
    Object[] v = new Object[PROFILE.size()];
    header(v, k, version, c.column(), c.dataType());
    v[ProfileColumn.COUNT.index()] = c.count();
    v[ProfileColumn.NUM_NULLS.index()] = c.nulls();
    v[ProfileColumn.PERCENT_NULL.index()] = nanToNull(percent(c.nulls(), c.rows()));
    v[ProfileColumn.NUM_ZEROS.index()] = c.zeros();
    v[ProfileColumn.PERCENT_ZEROS.index()] =
        c.zeros() == null ? null : nanToNull(percent(c.zeros(), c.count()));
    v[ProfileColumn.NUM_NAN.index()] = c.nans();
    v[ProfileColumn.PERCENT_NAN.index()] =
        c.nans() == null ? null : nanToNull(percent(c.nans(), c.count()));
    v[ProfileColumn.DISTINCT_COUNT.index()] = c.distinct();
    v[ProfileColumn.PERCENT_DISTINCT.index()] =
        c.distinct() == null ? null : nanToNull(percent(c.distinct(), c.count()));
    v[ProfileColumn.AVG.index()] = c.avg();
    v[ProfileColumn.STDDEV.index()] = c.stddev();
    v[ProfileColumn.MIN.index()] = c.min();
    v[ProfileColumn.MAX.index()] = c.max();
    if (c.kind() == Kind.NUMERIC) {
      numericDistribution(v, c.numericSketch());
    } else if (c.kind() == Kind.CATEGORICAL) {
      categoricalDistribution(v, c.categoricalSketch());
    }
    v[ProfileColumn.MIN_LENGTH.index()] = c.minLength();
    v[ProfileColumn.MAX_LENGTH.index()] = c.maxLength();
    v[ProfileColumn.AVG_LENGTH.index()] = c.avgLength();
    v[ProfileColumn.SKETCH.index()] = c.sketch();
    return RowFactory.create(v);
  }

  private static void numericDistribution(Object[] v, NumericSketch sketch) {
    if (sketch.total() > 0) {
      v[ProfileColumn.MEDIAN.index()] = sketch.quantile(0.5);
      List<Double> quantiles = new ArrayList<>();
      for (double q : MonitorProperties.QUANTILES) {
        quantiles.add(sketch.quantile(q));
      }
      v[ProfileColumn.QUANTILES.index()] = quantiles;
    }
    v[ProfileColumn.SKETCH_EXACT.index()] = sketch.exact();
  }

  private static void categoricalDistribution(Object[] v, CategoricalSketch sketch) {
    List<Row> items = new ArrayList<>();
    for (Map.Entry<String, Long> e : sketch.top(MonitorProperties.FREQUENT_ITEMS)) {
      items.add(RowFactory.create(e.getKey(), e.getValue()));
    }
    v[ProfileColumn.FREQUENT_ITEMS.index()] = items;
    v[ProfileColumn.SKETCH_EXACT.index()] = sketch.exact();
  }

  /** A drift row of {@code current} against {@code reference}. */
  static Row driftRow(
      String driftType,
      WindowKey current,
      WindowKey reference,
      ColumnProfile cur,
      ColumnProfile ref) {
    Object[] v = new Object[DRIFT.size()];
    v[DriftColumn.WINDOW.index()] = window(current);
    v[DriftColumn.WINDOW_CMP.index()] = reference.start() == null ? null : window(reference);
    v[DriftColumn.DRIFT_TYPE.index()] = driftType;
    v[DriftColumn.GRANULARITY.index()] = current.granularity();
    v[DriftColumn.SLICE_KEY.index()] = current.sliceKey();
    v[DriftColumn.SLICE_VALUE.index()] = current.sliceValue();
    v[DriftColumn.MODEL_ID.index()] = current.modelId();
    v[DriftColumn.COLUMN_NAME.index()] = cur.column();
    v[DriftColumn.DATA_TYPE.index()] = cur.dataType();
    v[DriftColumn.COUNT_DELTA.index()] = (double) (cur.count() - ref.count());
    v[DriftColumn.AVG_DELTA.index()] =
        cur.avg() == null || ref.avg() == null ? null : cur.avg() - ref.avg();
    v[DriftColumn.PERCENT_NULL_DELTA.index()] =
        nanToNull(percent(cur.nulls(), cur.rows()) - percent(ref.nulls(), ref.rows()));
    if (cur.zeros() != null && ref.zeros() != null) {
      v[DriftColumn.PERCENT_ZEROS_DELTA.index()] =
          nanToNull(percent(cur.zeros(), cur.count()) - percent(ref.zeros(), ref.count()));
    }
    if (cur.distinct() != null && ref.distinct() != null) {
      v[DriftColumn.PERCENT_DISTINCT_DELTA.index()] =
          nanToNull(percent(cur.distinct(), cur.count()) - percent(ref.distinct(), ref.count()));
    }
    if (cur.kind() == Kind.NUMERIC) {
      numericDrift(v, DriftStatistics.numeric(ref.numericSketch(), cur.numericSketch()));
    } else if (cur.kind() == Kind.CATEGORICAL) {
      categoricalDrift(
          v,
          DriftStatistics.categorical(
              ref.categoricalSketch().counts(), cur.categoricalSketch().counts()));
    }
    return RowFactory.create(v);
  }

  private static void numericDrift(Object[] v, DriftStatistics.Numeric d) {
    v[DriftColumn.KS_TEST.index()] = test(d.ksStatistic(), d.ksPvalue());
    v[DriftColumn.POPULATION_STABILITY_INDEX.index()] = nanToNull(d.populationStabilityIndex());
    v[DriftColumn.WASSERSTEIN_DISTANCE.index()] = nanToNull(d.wassersteinDistance());
    v[DriftColumn.JS_DISTANCE.index()] = nanToNull(d.jsDistance());
  }

  private static void categoricalDrift(Object[] v, DriftStatistics.Categorical d) {
    v[DriftColumn.JS_DISTANCE.index()] = nanToNull(d.jsDistance());
    v[DriftColumn.CHI_SQUARED_TEST.index()] = test(d.chiSquaredStatistic(), d.chiSquaredPvalue());
    v[DriftColumn.TV_DISTANCE.index()] = nanToNull(d.tvDistance());
    v[DriftColumn.L_INFINITY_DISTANCE.index()] = nanToNull(d.lInfinityDistance());
  }

  /** The profile of a column back from its profile-table row (for drift against stored windows). */
  static ColumnProfile fromRow(Row r, long windowRows) {
    byte[] sketch = (byte[]) get(r, ProfileColumn.SKETCH);
    Kind kind =
        sketch == null
            ? Kind.OTHER
            : r.isNullAt(ProfileColumn.FREQUENT_ITEMS.index()) ? Kind.NUMERIC : Kind.CATEGORICAL;
    return new ColumnProfile(
        string(r, ProfileColumn.COLUMN_NAME),
        string(r, ProfileColumn.DATA_TYPE),
        kind,
        windowRows,
        r.getLong(ProfileColumn.COUNT.index()),
        (Long) get(r, ProfileColumn.NUM_ZEROS),
        (Long) get(r, ProfileColumn.NUM_NAN),
        (Long) get(r, ProfileColumn.DISTINCT_COUNT),
        (Double) get(r, ProfileColumn.AVG),
        (Double) get(r, ProfileColumn.STDDEV),
        (Double) get(r, ProfileColumn.MIN),
        (Double) get(r, ProfileColumn.MAX),
        (Integer) get(r, ProfileColumn.MIN_LENGTH),
        (Integer) get(r, ProfileColumn.MAX_LENGTH),
        (Double) get(r, ProfileColumn.AVG_LENGTH),
        sketch);
  }

  /** The key of a profile-table row. */
  static WindowKey keyOf(Row r) {
    Row w = (Row) get(r, ProfileColumn.WINDOW);
    return new WindowKey(
        string(r, ProfileColumn.LOG_TYPE),
        string(r, ProfileColumn.GRANULARITY),
        w == null ? null : w.getTimestamp(WINDOW_START),
        w == null ? null : w.getTimestamp(WINDOW_END),
        string(r, ProfileColumn.SLICE_KEY),
        string(r, ProfileColumn.SLICE_VALUE),
        string(r, ProfileColumn.MODEL_ID));
  }

  /** A profile-table row's value of {@code column}, null when it is null. */
  static Object get(Row r, ProfileColumn column) {
    return r.isNullAt(column.index()) ? null : r.get(column.index());
  }

  /** A profile-table row's string value of {@code column}. */
  static String string(Row r, ProfileColumn column) {
    return r.getString(column.index());
  }

  private static void header(Object[] v, WindowKey k, long version, String column, String type) {
    v[ProfileColumn.WINDOW.index()] = k.start() == null ? null : window(k);
    v[ProfileColumn.LOG_TYPE.index()] = k.logType();
    v[ProfileColumn.COMMIT_VERSION.index()] = version;
    v[ProfileColumn.GRANULARITY.index()] = k.granularity();
    v[ProfileColumn.SLICE_KEY.index()] = k.sliceKey();
    v[ProfileColumn.SLICE_VALUE.index()] = k.sliceValue();
    v[ProfileColumn.MODEL_ID.index()] = k.modelId();
    v[ProfileColumn.COLUMN_NAME.index()] = column;
    v[ProfileColumn.DATA_TYPE.index()] = type;
  }

  private static <C> StructType schema(
      C[] columns, Function<C, String> name, Function<C, DataType> type) {
    StructType schema = new StructType();
    for (C c : columns) {
      schema = schema.add(name.apply(c), type.apply(c));
    }
    return schema;
  }

  private static Row window(WindowKey k) {
    return RowFactory.create(k.start(), k.end());
  }

  private static Row averages(Double macro, Double weighted) {
    return macro == null && weighted == null ? null : RowFactory.create(macro, weighted);
  }

  private static Row test(double statistic, double pvalue) {
    return Double.isNaN(statistic) ? null : RowFactory.create(statistic, nanToNull(pvalue));
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? Double.NaN : 100.0 * part / whole;
  }

  private static Double nanToNull(Double value) {
    return value == null || Double.isNaN(value) ? null : value;
  }
}
