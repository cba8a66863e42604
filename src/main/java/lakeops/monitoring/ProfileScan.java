package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lakeops.monitoring.ColumnProfile.Kind;
import lakeops.monitoring.MonitorSpec.Granularity;
import lakeops.monitoring.MonitorSpec.InferenceLog;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * One Spark job that profiles every monitored column of every window, slice and model version of a
 * refresh, and the baseline with them: the rows are expanded once per (granularity, slice, model) and
 * one {@code groupBy} computes all counts, moments, sketches and model-quality sums together.
 */
final class ProfileScan {

  /** Everything one group of the scan produced. */
  record WindowProfile(WindowKey key, long rows, List<ColumnProfile> columns, QualityMetrics quality,
      String fingerprint) {}

  private record Monitored(String name, Kind kind, DataType type) {}

  private final MonitorSpec spec;
  private final int sketchSize;
  private final int categoryLimit;

  ProfileScan(MonitorSpec spec, int sketchSize, int categoryLimit) {
    this.spec = spec;
    this.sketchSize = sketchSize;
    this.categoryLimit = categoryLimit;
  }

  /** The monitored columns of {@code data}: the spec's, or all but the timestamp and model columns. */
  List<String> monitoredColumns(Dataset<Row> data) {
    if (!spec.columns().isEmpty()) {
      return spec.columns();
    }
    Set<String> skip = new HashSet<>();
    spec.timestampColumn().ifPresent(skip::add);
    spec.inferenceLog().ifPresent(log -> {
      skip.add(log.modelIdColumn());
      log.probabilityColumn().ifPresent(skip::add);
    });
    List<String> columns = new ArrayList<>();
    for (String name : data.columns()) {
      if (!skip.contains(name)) {
        columns.add(name);
      }
    }
    return columns;
  }

  /**
   * Profiles the {@code changed} windows of {@code input} (window ids of {@link WindowKey#windowId()};
   * null = all) and, if given, the {@code baseline}, in one Spark job.
   */
  Map<WindowKey, WindowProfile> run(Dataset<Row> input, Dataset<Row> baseline, Set<String> changed,
      Timestamp snapshotTime) {
    List<Monitored> columns = new ArrayList<>();
    for (String name : monitoredColumns(input)) {
      StructField field = field(input, name);
      columns.add(new Monitored(name, kind(field.dataType()), field.dataType()));
    }
    Dataset<Row> rows = expand(timestamped(input), WindowKey.INPUT, windows(snapshotTime), columns);
    if (changed != null) {
      rows = rows.filter(concat_ws("@", col("__w.granularity"),
          expr("unix_seconds(__w.start)").cast("string")).isin(changed.toArray()));
    }
    if (baseline != null) {
      Column none = struct(lit(null).cast("string").as("granularity"),
          lit(null).cast("timestamp").as("start"), lit(null).cast("timestamp").as("end"));
      rows = rows.unionByName(expand(baseline, WindowKey.BASELINE, array(none), columns));
    }
    rows = rows.withColumn("__s", explode(slices())).withColumn("__m", explode(models()));
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(count(lit(1)));
    aggregates.add(sum(col("__hash")));
    UserDefinedFunction numeric = udaf(new SketchAggregators.Numeric(sketchSize), Encoders.DOUBLE());
    UserDefinedFunction categorical =
        udaf(new SketchAggregators.Categorical(categoryLimit), Encoders.STRING());
    for (Monitored c : columns) {
      Column v = col("`" + c.name() + "`");
      aggregates.add(count(v));
      aggregates.add(approx_count_distinct(v, 0.05));
      if (c.kind() == Kind.NUMERIC) {
        Column d = v.cast("double");
        aggregates.add(count(when(d.equalTo(0), 1)));
        aggregates.add(count(when(isnan(d), 1)));
        Column finite = when(not(isnan(d)), d);
        aggregates.add(avg(finite));
        aggregates.add(stddev_samp(finite));
        aggregates.add(min(finite));
        aggregates.add(max(finite));
        aggregates.add(numeric.apply(d));
      } else if (c.kind() == Kind.CATEGORICAL) {
        Column s = v.cast("string");
        aggregates.add(min(length(s)));
        aggregates.add(max(length(s)));
        aggregates.add(avg(length(s)));
        aggregates.add(categorical.apply(s));
      }
    }
    int qualityStart = aggregates.size();
    aggregates.addAll(QualityMetrics.aggregates(spec.inferenceLog(), numeric, categorical));
    List<Row> groups = rows.groupBy(col("__log_type"), col("__w.granularity"), col("__w.start"),
            col("__w.end"), col("__s.key"), col("__s.value"), col("__m"))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]))
        .collectAsList();
    Map<WindowKey, WindowProfile> result = new LinkedHashMap<>();
    for (Row g : groups) {
      WindowKey key = new WindowKey(g.getString(0), g.getString(1), g.getTimestamp(2), g.getTimestamp(3),
          g.getString(4), g.getString(5), g.getString(6));
      long total = g.getLong(7);
      String fingerprint = total + ":" + g.get(8);
      int i = 9;
      List<ColumnProfile> profiles = new ArrayList<>();
      for (Monitored c : columns) {
        long count = g.getLong(i++);
        long distinct = g.getLong(i++);
        String type = c.type().simpleString();
        if (c.kind() == Kind.NUMERIC) {
          profiles.add(new ColumnProfile(c.name(), type, c.kind(), total, count, g.getLong(i),
              g.getLong(i + 1), distinct, doubleOrNull(g, i + 2), doubleOrNull(g, i + 3),
              doubleOrNull(g, i + 4), doubleOrNull(g, i + 5), null, null, null, (byte[]) g.get(i + 6)));
          i += 7;
        } else if (c.kind() == Kind.CATEGORICAL) {
          profiles.add(new ColumnProfile(c.name(), type, c.kind(), total, count, null, null, distinct,
              null, null, null, null, g.isNullAt(i) ? null : g.getInt(i),
              g.isNullAt(i + 1) ? null : g.getInt(i + 1), doubleOrNull(g, i + 2), (byte[]) g.get(i + 3)));
          i += 4;
        } else {
          profiles.add(new ColumnProfile(c.name(), type, c.kind(), total, count, null, null, distinct,
              null, null, null, null, null, null, null, null));
        }
      }
      QualityMetrics quality = QualityMetrics.from(spec.inferenceLog(), g, qualityStart + 7);
      result.put(key, new WindowProfile(key, total, profiles, quality, fingerprint));
    }
    return result;
  }

  private Dataset<Row> expand(Dataset<Row> data, String logType, Column windows,
      List<Monitored> columns) {
    List<Column> select = new ArrayList<>();
    for (Monitored c : columns) {
      select.add(hasColumn(data, c.name()) ? col("`" + c.name() + "`").cast(c.type()).as(c.name())
          : lit(null).cast(c.type()).as(c.name()));
    }
    Set<String> selected = new HashSet<>();
    columns.forEach(c -> selected.add(c.name()));
    for (String extra : extraColumns()) {
      if (!selected.contains(extra)) {
        select.add(hasColumn(data, extra) ? col("`" + extra + "`") : lit(null).as(extra));
      }
    }
    for (int s = 0; s < spec.slicingExpressions().size(); s++) {
      select.add(expr(spec.slicingExpressions().get(s)).cast("string").as("__slice_" + s));
    }
    select.add(lit(logType).as("__log_type"));
    select.add(rowHash(data).as("__hash"));
    select.add(windows.as("__windows"));
    return data.select(select.toArray(new Column[0]))
        .withColumn("__w", explode(col("__windows"))).drop("__windows");
  }

  /** Rows of a time series without a timestamp belong to no window. */
  private Dataset<Row> timestamped(Dataset<Row> input) {
    return spec.timestampColumn().filter(ts -> spec.profileType() != ProfileType.SNAPSHOT)
        .map(ts -> input.where(col("`" + ts + "`").isNotNull())).orElse(input);
  }

  /**
   * A row's hash over the monitored columns (and the model column): summed per window with the row
   * count, it is the window's fingerprint, which tells a later refresh whether the window changed.
   */
  Column rowHash(Dataset<Row> data) {
    List<Column> hashed = new ArrayList<>();
    for (String c : monitoredColumns(data)) {
      hashed.add(hasColumn(data, c) ? col("`" + c + "`") : lit(null));
    }
    spec.inferenceLog().ifPresent(log ->
        hashed.add(hasColumn(data, log.modelIdColumn()) ? col("`" + log.modelIdColumn() + "`") : lit(null)));
    return xxhash64(hashed.toArray(new Column[0])).cast("decimal(38,0)");
  }

  private List<String> extraColumns() {
    List<String> extra = new ArrayList<>();
    spec.inferenceLog().ifPresent(log -> {
      extra.add(log.predictionColumn());
      log.labelColumn().ifPresent(extra::add);
      extra.add(log.modelIdColumn());
      log.probabilityColumn().ifPresent(extra::add);
    });
    return extra;
  }

  /** The windows a row belongs to, one per granularity, as an array of structs. */
  private Column windows(Timestamp snapshotTime) {
    if (spec.profileType() == ProfileType.SNAPSHOT) {
      return array(struct(lit("snapshot").as("granularity"), lit(snapshotTime).as("start"),
          lit(snapshotTime).as("end")));
    }
    String ts = spec.timestampColumn().orElseThrow();
    List<Column> windows = new ArrayList<>();
    for (Granularity g : spec.granularities()) {
      long seconds = g.duration().toSeconds();
      Column start = expr(String.format(
          "timestamp_seconds(floor(unix_seconds(CAST(`%s` AS TIMESTAMP)) / %d) * %d)", ts, seconds, seconds));
      windows.add(struct(lit(g.text()).as("granularity"), start.as("start"),
          expr(String.format("timestamp_seconds(floor(unix_seconds(CAST(`%s` AS TIMESTAMP)) / %d) * %d + %d)",
              ts, seconds, seconds, seconds)).as("end")));
    }
    return array(windows.toArray(new Column[0]));
  }

  private Column slices() {
    List<Column> slices = new ArrayList<>();
    slices.add(struct(lit(null).cast("string").as("key"), lit(null).cast("string").as("value")));
    int position = 0;
    for (String expression : spec.slicingExpressions()) {
      slices.add(struct(lit(expression).as("key"), sliceColumn(position++).as("value")));
    }
    return array(slices.toArray(new Column[0]));
  }

  private static Column sliceColumn(int position) {
    return col("__slice_" + position);
  }

  private Column models() {
    Column all = lit(MonitorProperties.ALL_MODELS);
    return spec.inferenceLog()
        .map(InferenceLog::modelIdColumn)
        .map(m -> array(all, coalesce(col("`" + m + "`").cast("string"), lit("null"))))
        .orElse(array(all));
  }

  static Kind kind(DataType type) {
    if (type instanceof NumericType) {
      return Kind.NUMERIC;
    }
    if (type instanceof StringType || type instanceof BooleanType) {
      return Kind.CATEGORICAL;
    }
    return Kind.OTHER;
  }

  private static StructField field(Dataset<Row> data, String name) {
    for (StructField f : data.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new lakeops.exceptions.InvalidConfigException(String.format(
        "Cannot monitor column '%s': not in the table (columns: %s)", name, List.of(data.columns())));
  }

  private static boolean hasColumn(Dataset<Row> data, String name) {
    return List.of(data.columns()).contains(name);
  }

  private static Double doubleOrNull(Row row, int i) {
    return row.isNullAt(i) ? null : row.getDouble(i);
  }

  static DataType string() {
    return DataTypes.StringType;
  }
}
