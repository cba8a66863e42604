package lakeops.serving;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTable;
import lakeops.features.FeatureTableSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Online feature lookup: a model trained from a feature-store training set is served from its
 * lookup keys and times alone, its features joined point-in-time exactly as batch scoring joins
 * them (the latest feature row at or before the request's time, within the lookback, defaults where
 * none). Each feature table is read once into memory, keyed, its rows sorted by time, so a lookup
 * is a hash probe and a binary search; a table over {@link
 * ServingProperties#ONLINE_FEATURE_ROWS_MAX} rows, or an as-known-at lookup, makes every request's
 * join run in Spark instead. {@link #refresh} reloads the tables that have a new Delta version.
 */
final class OnlineFeatures {

  private static final String ROW_NUMBER = "__lakeops_row";

  private final SparkSession spark;
  private final List<FeatureLookup> lookups;
  private final StructType requestSchema;
  private final StructType modelSchema;
  private final int[] fromRequest;
  private final List<TableIndex> indexes;
  private final String sparkReason;

  private OnlineFeatures(
      SparkSession spark,
      List<FeatureLookup> lookups,
      StructType requestSchema,
      StructType modelSchema,
      List<TableIndex> indexes,
      String sparkReason) {
    this.spark = spark;
    this.lookups = List.copyOf(lookups);
    this.requestSchema = requestSchema;
    this.modelSchema = modelSchema;
    this.indexes = indexes;
    this.sparkReason = sparkReason;
    this.fromRequest = new int[modelSchema.size()];
    List<String> requestColumns = List.of(requestSchema.fieldNames());
    for (int i = 0; i < fromRequest.length; i++) {
      fromRequest[i] = requestColumns.indexOf(modelSchema.fields()[i].name());
    }
  }

  /**
   * The lookups of a model whose inputs are {@code modelSchema}: requests then carry the model's
   * columns that no lookup supplies (keys, times, raw columns).
   */
  static OnlineFeatures load(
      SparkSession spark, List<FeatureLookup> lookups, StructType modelSchema) {
    StructType request = new StructType();
    List<String> supplied = new ArrayList<>();
    FeatureStore store = FeatureStore.of(spark);
    List<FeatureTable> tables = new ArrayList<>();
    for (FeatureLookup lookup : lookups) {
      FeatureTable table = store.table(lookup.table());
      tables.add(table);
      featureColumns(lookup, table).forEach(f -> supplied.add(lookup.outputName(f)));
    }
    for (StructField field : modelSchema.fields()) {
      if (!supplied.contains(field.name())) {
        request = request.add(field);
      }
    }
    List<TableIndex> indexes = new ArrayList<>();
    String reason = null;
    for (int i = 0; i < lookups.size() && reason == null; i++) {
      FeatureLookup lookup = lookups.get(i);
      if (lookup.knownAt()) {
        reason =
            "lookup of " + lookup.table() + " is as known at, which needs the change data feed";
      } else {
        TableIndex index = TableIndex.load(spark, lookup, tables.get(i), request, modelSchema);
        if (index == null) {
          reason =
              lookup.table() + " has over " + ServingProperties.ONLINE_FEATURE_ROWS_MAX + " rows";
        }
        indexes.add(index);
      }
    }
    return new OnlineFeatures(
        spark, lookups, request, modelSchema, reason == null ? indexes : List.of(), reason);
  }

  /** The columns requests carry. */
  StructType requestSchema() {
    return requestSchema;
  }

  /** Whether lookups run in memory (no Spark job per request). */
  boolean isLocal() {
    return sparkReason == null;
  }

  /** One line per lookup, for the start-up message. */
  List<String> plan() {
    List<String> plan = new ArrayList<>();
    for (int i = 0; i < lookups.size(); i++) {
      FeatureLookup lookup = lookups.get(i);
      plan.add(
          isLocal()
              ? String.format(
                  "lookup %s@%d: in memory (%d rows)",
                  lookup.table(), indexes.get(i).version, indexes.get(i).rows)
              : String.format("lookup %s: in Spark (%s)", lookup.table(), sparkReason));
    }
    return plan;
  }

  /** The model's input rows of {@code rows} (of the request schema), features looked up. */
  List<Object[]> join(List<Object[]> rows) {
    return isLocal() ? joinInMemory(rows) : joinInSpark(rows);
  }

  /** These lookups with every table that has a newer Delta version read again; this if none has. */
  OnlineFeatures refresh() {
    if (!isLocal()) {
      return this;
    }
    FeatureStore store = FeatureStore.of(spark);
    List<TableIndex> fresh = new ArrayList<>(indexes);
    boolean changed = false;
    for (int i = 0; i < lookups.size(); i++) {
      FeatureTable table = store.table(lookups.get(i).table());
      if (table.version() != indexes.get(i).version) {
        fresh.set(i, TableIndex.load(spark, lookups.get(i), table, requestSchema, modelSchema));
        changed = true;
      }
    }
    if (!changed) {
      return this;
    }
    if (fresh.contains(null)) {
      return load(spark, lookups, modelSchema);
    }
    return new OnlineFeatures(spark, lookups, requestSchema, modelSchema, fresh, null);
  }

  private List<Object[]> joinInMemory(List<Object[]> rows) {
    List<Object[]> joined = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      Object[] full = new Object[fromRequest.length];
      for (int i = 0; i < full.length; i++) {
        if (fromRequest[i] >= 0) {
          full[i] = row[fromRequest[i]];
        }
      }
      for (TableIndex index : indexes) {
        index.fill(row, full);
      }
      joined.add(full);
    }
    return joined;
  }

  /**
   * The batch scoring join ({@link FeatureStore#createTrainingSet}) on the rows as a local frame.
   */
  private List<Object[]> joinInSpark(List<Object[]> rows) {
    List<Row> numbered = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Object[] values = Arrays.copyOf(rows.get(i), requestSchema.size() + 1);
      values[requestSchema.size()] = i;
      numbered.add(RowFactory.create(values));
    }
    Dataset<Row> labels =
        spark.createDataFrame(
            numbered, requestSchema.add(ROW_NUMBER, DataTypes.IntegerType, false));
    Dataset<Row> joined =
        FeatureStore.of(spark)
            .createTrainingSet(labels, lookups.toArray(FeatureLookup[]::new))
            .data();
    List<Column> columns = new ArrayList<>();
    for (StructField field : modelSchema.fields()) {
      columns.add(col("`" + field.name() + "`").cast(field.dataType()));
    }
    columns.add(col(ROW_NUMBER));
    List<Row> collected = joined.select(columns.toArray(Column[]::new)).collectAsList();
    Object[][] result = new Object[rows.size()][];
    for (Row row : collected) {
      Object[] values = new Object[modelSchema.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get(i);
      }
      result[row.getInt(modelSchema.size())] = values;
    }
    return Arrays.asList(result);
  }

  private static List<String> featureColumns(FeatureLookup lookup, FeatureTable table) {
    if (!lookup.features().isEmpty()) {
      return lookup.features();
    }
    List<String> keys = table.spec().rowKeys();
    return Arrays.stream(table.schema().fieldNames()).filter(c -> !keys.contains(c)).toList();
  }

  /** One feature table in memory: per key, its feature rows sorted by time (or its one row). */
  private static final class TableIndex {
    private final long version;
    private final long rows;
    private final int[] keyPositions;
    private final int timePosition;
    private final long lookbackMicros;
    private final int[] outputs;
    private final Object[] defaults;
    private final Map<List<Object>, Series> series;

    /** Times (epoch microseconds, ascending) and the feature values of each time. */
    private record Series(long[] times, Object[][] values) {}

    private TableIndex(
        long version,
        long rows,
        int[] keyPositions,
        int timePosition,
        long lookbackMicros,
        int[] outputs,
        Object[] defaults,
        Map<List<Object>, Series> series) {
      this.version = version;
      this.rows = rows;
      this.keyPositions = keyPositions;
      this.timePosition = timePosition;
      this.lookbackMicros = lookbackMicros;
      this.outputs = outputs;
      this.defaults = defaults;
      this.series = series;
    }

    /** The table read at {@code table.version()}; null if it has too many rows to keep. */
    static TableIndex load(
        SparkSession spark,
        FeatureLookup lookup,
        FeatureTable table,
        StructType request,
        StructType model) {
      FeatureTableSpec spec = table.spec();
      List<String> features = featureColumns(lookup, table);
      int[] keyPositions = new int[spec.primaryKeys().size()];
      List<Column> columns = new ArrayList<>();
      for (int i = 0; i < keyPositions.length; i++) {
        String labelKey = lookup.lookupKeys().get(i);
        keyPositions[i] = request.fieldIndex(labelKey);
        columns.add(
            col("`" + spec.primaryKeys().get(i) + "`").cast(request.apply(labelKey).dataType()));
      }
      boolean timed = spec.timestampKey().isPresent();
      columns.add(
          timed
              ? col("`" + spec.timestampKey().get() + "`").cast(DataTypes.TimestampType)
              : org.apache.spark.sql.functions.lit(null).cast(DataTypes.TimestampType));
      int[] outputs = new int[features.size()];
      Object[] defaults = new Object[features.size()];
      for (int f = 0; f < outputs.length; f++) {
        String output = lookup.outputName(features.get(f));
        outputs[f] = model.fieldIndex(output);
        DataType type = model.apply(output).dataType();
        columns.add(col("`" + features.get(f) + "`").cast(type));
        defaults[f] = convert(lookup.defaults().get(features.get(f)), type);
      }
      Dataset<Row> rows =
          spark
              .read()
              .format("delta")
              .option("versionAsOf", table.version())
              .table(table.name())
              .select(columns.toArray(Column[]::new));
      long count = rows.count();
      if (count > ServingProperties.ONLINE_FEATURE_ROWS_MAX) {
        return null;
      }
      Map<List<Object>, List<Row>> byKey = new HashMap<>();
      for (Row row : rows.collectAsList()) {
        List<Object> key = new ArrayList<>(keyPositions.length);
        for (int i = 0; i < keyPositions.length; i++) {
          key.add(row.get(i));
        }
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
      }
      Map<List<Object>, Series> series = new HashMap<>(byKey.size() * 2);
      int timeColumn = keyPositions.length;
      byKey.forEach(
          (key, list) -> {
            list.sort(
                Comparator.comparing(
                    r -> micros((Timestamp) r.get(timeColumn)),
                    Comparator.nullsFirst(Comparator.naturalOrder())));
            long[] times = new long[list.size()];
            Object[][] values = new Object[list.size()][];
            for (int i = 0; i < list.size(); i++) {
              Timestamp time = (Timestamp) list.get(i).get(timeColumn);
              times[i] = time == null ? Long.MIN_VALUE : micros(time);
              values[i] = new Object[outputs.length];
              for (int f = 0; f < outputs.length; f++) {
                values[i][f] = list.get(i).get(timeColumn + 1 + f);
              }
            }
            series.put(key, new Series(times, values));
          });
      long lookback = lookup.lookbackWindow().map(w -> w.toSeconds() * 1_000_000L).orElse(-1L);
      return new TableIndex(
          table.version(),
          count,
          keyPositions,
          timed ? request.fieldIndex(lookup.timestampLookupKey().orElseThrow()) : -1,
          lookback,
          outputs,
          defaults,
          series);
    }

    /** Writes this table's features for request row {@code row} into model row {@code full}. */
    void fill(Object[] row, Object[] full) {
      Object[] values = match(row);
      for (int f = 0; f < outputs.length; f++) {
        Object value = values == null ? null : values[f];
        full[outputs[f]] = value == null ? defaults[f] : value;
      }
    }

    private Object[] match(Object[] row) {
      List<Object> key = new ArrayList<>(keyPositions.length);
      for (int position : keyPositions) {
        if (row[position] == null) {
          return null;
        }
        key.add(row[position]);
      }
      Series found = series.get(key);
      if (found == null) {
        return null;
      }
      if (timePosition < 0) {
        return found.values()[found.values().length - 1];
      }
      Timestamp time = (Timestamp) row[timePosition];
      if (time == null) {
        return null;
      }
      long at = micros(time);
      int index = Arrays.binarySearch(found.times(), at);
      if (index < 0) {
        index = -index - 2; // the last time before it
      }
      if (index < 0 || (lookbackMicros >= 0 && found.times()[index] < at - lookbackMicros)) {
        return null;
      }
      return found.values()[index];
    }

    private static Long micros(Timestamp time) {
      return time == null
          ? null
          : Math.floorDiv(time.getTime(), 1000L) * 1_000_000L + time.getNanos() / 1000;
    }

    /** A lookup's default as the model column's type (Spark's coalesce widens it the same way). */
    private static Object convert(Object value, DataType type) {
      if (!(value instanceof Number number)) {
        return value;
      }
      if (type.equals(DataTypes.DoubleType)) {
        return number.doubleValue();
      } else if (type.equals(DataTypes.FloatType)) {
        return number.floatValue();
      } else if (type.equals(DataTypes.LongType)) {
        return number.longValue();
      } else if (type.equals(DataTypes.IntegerType)) {
        return number.intValue();
      }
      return value;
    }
  }
}
