package lakeops.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lakeops.monitoring.ColumnProfile.Kind;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows and schemas of the profile and drift metric tables, with the column names and shapes of
 * Databricks Lakehouse Monitoring, plus LakeOps' {@code sketch} (the window's distribution, so drift
 * and later refreshes need no rescan), {@code sketch_exact} and {@code fingerprint} columns.
 */
final class MetricRows {

  private MetricRows() {}

  private static final StructType WINDOW = new StructType()
      .add("start", DataTypes.TimestampType).add("end", DataTypes.TimestampType);
  private static final StructType AVERAGES = new StructType()
      .add("macro", DataTypes.DoubleType).add("weighted", DataTypes.DoubleType);
  private static final StructType TEST = new StructType()
      .add("statistic", DataTypes.DoubleType).add("pvalue", DataTypes.DoubleType);
  private static final DataType FREQUENT_ITEMS = DataTypes.createArrayType(new StructType()
      .add("item", DataTypes.StringType).add("count", DataTypes.LongType));
  private static final DataType CONFUSION = DataTypes.createArrayType(new StructType()
      .add("prediction", DataTypes.StringType).add("label", DataTypes.StringType)
      .add("count", DataTypes.LongType));

  /** Schema of {@code <monitor>_profile_metrics}. */
  static final StructType PROFILE = new StructType()
      .add("window", WINDOW).add("log_type", DataTypes.StringType)
      .add("logging_table_commit_version", DataTypes.LongType)
      .add("granularity", DataTypes.StringType).add("slice_key", DataTypes.StringType)
      .add("slice_value", DataTypes.StringType).add("model_id", DataTypes.StringType)
      .add("column_name", DataTypes.StringType).add("data_type", DataTypes.StringType)
      .add("count", DataTypes.LongType).add("num_nulls", DataTypes.LongType)
      .add("percent_null", DataTypes.DoubleType).add("num_zeros", DataTypes.LongType)
      .add("percent_zeros", DataTypes.DoubleType).add("num_nan", DataTypes.LongType)
      .add("percent_nan", DataTypes.DoubleType).add("distinct_count", DataTypes.LongType)
      .add("percent_distinct", DataTypes.DoubleType).add("avg", DataTypes.DoubleType)
      .add("stddev", DataTypes.DoubleType).add("min", DataTypes.DoubleType)
      .add("max", DataTypes.DoubleType).add("median", DataTypes.DoubleType)
      .add("quantiles", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("frequent_items", FREQUENT_ITEMS).add("min_length", DataTypes.IntegerType)
      .add("max_length", DataTypes.IntegerType).add("avg_length", DataTypes.DoubleType)
      .add("accuracy_score", DataTypes.DoubleType).add("precision", AVERAGES)
      .add("recall", AVERAGES).add("f1_score", AVERAGES).add("roc_auc_score", DataTypes.DoubleType)
      .add("log_loss", DataTypes.DoubleType).add("confusion_matrix", CONFUSION)
      .add("mean_absolute_error", DataTypes.DoubleType).add("mean_squared_error", DataTypes.DoubleType)
      .add("root_mean_squared_error", DataTypes.DoubleType).add("r2_score", DataTypes.DoubleType)
      .add("mean_absolute_percentage_error", DataTypes.DoubleType)
      .add("sketch", DataTypes.BinaryType).add("sketch_exact", DataTypes.BooleanType)
      .add("fingerprint", DataTypes.StringType);

  /** Schema of {@code <monitor>_drift_metrics}. */
  static final StructType DRIFT = new StructType()
      .add("window", WINDOW).add("window_cmp", WINDOW).add("drift_type", DataTypes.StringType)
      .add("granularity", DataTypes.StringType).add("slice_key", DataTypes.StringType)
      .add("slice_value", DataTypes.StringType).add("model_id", DataTypes.StringType)
      .add("column_name", DataTypes.StringType).add("data_type", DataTypes.StringType)
      .add("count_delta", DataTypes.DoubleType).add("avg_delta", DataTypes.DoubleType)
      .add("percent_null_delta", DataTypes.DoubleType).add("percent_zeros_delta", DataTypes.DoubleType)
      .add("percent_distinct_delta", DataTypes.DoubleType).add("ks_test", TEST)
      .add("population_stability_index", DataTypes.DoubleType)
      .add("wasserstein_distance", DataTypes.DoubleType).add("js_distance", DataTypes.DoubleType)
      .add("chi_squared_test", TEST).add("tv_distance", DataTypes.DoubleType)
      .add("l_infinity_distance", DataTypes.DoubleType);

  /** The table-level row (count, model quality, fingerprint) of a window. */
  static Row tableRow(WindowKey k, long version, long rows, QualityMetrics q, String fingerprint) {
    Object[] v = new Object[PROFILE.size()];
    header(v, k, version, MonitorProperties.TABLE_COLUMN, "table");
    v[9] = rows;
    v[28] = q.accuracy();
    v[29] = averages(q.precisionMacro(), q.precisionWeighted());
    v[30] = averages(q.recallMacro(), q.recallWeighted());
    v[31] = averages(q.f1Macro(), q.f1Weighted());
    v[32] = q.rocAuc();
    v[33] = q.logLoss();
    if (q.confusion() != null) {
      List<Row> cells = new ArrayList<>();
      q.confusion().forEach(c -> cells.add(RowFactory.create(c.prediction(), c.label(), c.count())));
      v[34] = cells;
    }
    v[35] = q.meanAbsoluteError();
    v[36] = q.meanSquaredError();
    v[37] = q.rootMeanSquaredError();
    v[38] = q.r2();
    v[39] = q.meanAbsolutePercentageError();
    v[42] = fingerprint;
    return RowFactory.create(v);
  }

  /** The row of one column of a window. */
  static Row columnRow(WindowKey k, long version, ColumnProfile c) {
    Object[] v = new Object[PROFILE.size()];
    header(v, k, version, c.column(), c.dataType());
    v[9] = c.count();
    v[10] = c.nulls();
    v[11] = nanToNull(percent(c.nulls(), c.rows()));
    v[12] = c.zeros();
    v[13] = c.zeros() == null ? null : nanToNull(percent(c.zeros(), c.count()));
    v[14] = c.nans();
    v[15] = c.nans() == null ? null : nanToNull(percent(c.nans(), c.count()));
    v[16] = c.distinct();
    v[17] = c.distinct() == null ? null : nanToNull(percent(c.distinct(), c.count()));
    v[18] = c.avg();
    v[19] = c.stddev();
    v[20] = c.min();
    v[21] = c.max();
    if (c.kind() == Kind.NUMERIC) {
      NumericSketch sketch = c.numericSketch();
      if (sketch.total() > 0) {
        v[22] = sketch.quantile(0.5);
        List<Double> quantiles = new ArrayList<>();
        for (double q : MonitorProperties.QUANTILES) {
          quantiles.add(sketch.quantile(q));
        }
        v[23] = quantiles;
      }
      v[41] = sketch.exact();
    } else if (c.kind() == Kind.CATEGORICAL) {
      CategoricalSketch sketch = c.categoricalSketch();
      List<Row> items = new ArrayList<>();
      for (Map.Entry<String, Long> e : sketch.top(MonitorProperties.FREQUENT_ITEMS)) {
        items.add(RowFactory.create(e.getKey(), e.getValue()));
      }
      v[24] = items;
      v[41] = sketch.exact();
    }
    v[25] = c.minLength();
    v[26] = c.maxLength();
    v[27] = c.avgLength();
    v[40] = c.sketch();
    return RowFactory.create(v);
  }

  /** A drift row of {@code current} against {@code reference}. */
  static Row driftRow(String driftType, WindowKey current, WindowKey reference, ColumnProfile cur,
      ColumnProfile ref) {
    Object[] v = new Object[DRIFT.size()];
    v[0] = window(current);
    v[1] = reference.start() == null ? null : window(reference);
    v[2] = driftType;
    v[3] = current.granularity();
    v[4] = current.sliceKey();
    v[5] = current.sliceValue();
    v[6] = current.modelId();
    v[7] = cur.column();
    v[8] = cur.dataType();
    v[9] = (double) (cur.count() - ref.count());
    v[10] = cur.avg() == null || ref.avg() == null ? null : cur.avg() - ref.avg();
    v[11] = percent(cur.nulls(), cur.rows()) - percent(ref.nulls(), ref.rows());
    if (cur.zeros() != null && ref.zeros() != null) {
      v[12] = nanToNull(percent(cur.zeros(), cur.count()) - percent(ref.zeros(), ref.count()));
    }
    if (cur.distinct() != null && ref.distinct() != null) {
      v[13] = nanToNull(percent(cur.distinct(), cur.count()) - percent(ref.distinct(), ref.count()));
    }
    v[11] = nanToNull((Double) v[11]);
    if (cur.kind() == Kind.NUMERIC) {
      DriftStatistics.Numeric d = DriftStatistics.numeric(ref.numericSketch(), cur.numericSketch());
      v[14] = test(d.ksStatistic(), d.ksPvalue());
      v[15] = nanToNull(d.populationStabilityIndex());
      v[16] = nanToNull(d.wassersteinDistance());
      v[17] = nanToNull(d.jsDistance());
    } else if (cur.kind() == Kind.CATEGORICAL) {
      DriftStatistics.Categorical d = DriftStatistics.categorical(
          ref.categoricalSketch().counts(), cur.categoricalSketch().counts());
      v[17] = nanToNull(d.jsDistance());
      v[18] = test(d.chiSquaredStatistic(), d.chiSquaredPvalue());
      v[19] = nanToNull(d.tvDistance());
      v[20] = nanToNull(d.lInfinityDistance());
    }
    return RowFactory.create(v);
  }

  /** The profile of a column back from its profile-table row (for drift against stored windows). */
  static ColumnProfile fromRow(Row r, long windowRows) {
    String type = r.getString(8);
    byte[] sketch = r.isNullAt(40) ? null : (byte[]) r.get(40);
    Kind kind = sketch == null ? Kind.OTHER
        : r.isNullAt(24) ? Kind.NUMERIC : Kind.CATEGORICAL;
    return new ColumnProfile(r.getString(7), type, kind, windowRows, r.getLong(9),
        r.isNullAt(12) ? null : r.getLong(12), r.isNullAt(14) ? null : r.getLong(14),
        r.isNullAt(16) ? null : r.getLong(16), r.isNullAt(18) ? null : r.getDouble(18),
        r.isNullAt(19) ? null : r.getDouble(19), r.isNullAt(20) ? null : r.getDouble(20),
        r.isNullAt(21) ? null : r.getDouble(21), r.isNullAt(25) ? null : r.getInt(25),
        r.isNullAt(26) ? null : r.getInt(26), r.isNullAt(27) ? null : r.getDouble(27), sketch);
  }

  /** The key of a profile-table row. */
  static WindowKey keyOf(Row r) {
    Row w = r.isNullAt(0) ? null : r.getStruct(0);
    return new WindowKey(r.getString(1), r.getString(3), w == null ? null : w.getTimestamp(0),
        w == null ? null : w.getTimestamp(1), r.getString(4), r.getString(5), r.getString(6));
  }

  private static void header(Object[] v, WindowKey k, long version, String column, String type) {
    v[0] = k.start() == null ? null : window(k);
    v[1] = k.logType();
    v[2] = version;
    v[3] = k.granularity();
    v[4] = k.sliceKey();
    v[5] = k.sliceValue();
    v[6] = k.modelId();
    v[7] = column;
    v[8] = type;
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
