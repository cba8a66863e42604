package lakeops.features;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds training sets: feature lookups joined point-in-time onto label rows ({@link
 * PointInTimeJoin} for time-series tables, a key join otherwise), each table read at the version of
 * one snapshot and pruned to the time range the labels need.
 */
final class TrainingSetBuilder {

  private final SparkSession spark;
  private final FeatureTables tables;

  TrainingSetBuilder(SparkSession spark, FeatureTables tables) {
    this.spark = spark;
    this.tables = tables;
  }

  /** Earliest and latest label time of a time column; both null when there are no label times. */
  private record TimeRange(Timestamp earliest, Timestamp latest) {}

  TrainingSet build(Dataset<Row> labels, FeatureLookup... lookups) {
    return build(labels, new LinkedHashMap<>(), lookups);
  }

  /**
   * The training set, reading each feature table's snapshot once (into {@code snapshots}, by name):
   * the metadata of one Delta log read per table, and one Spark job for the label time ranges.
   */
  private TrainingSet build(
      Dataset<Row> labels,
      Map<String, FeatureTables.Snapshot> snapshots,
      FeatureLookup... lookups) {
    Dataset<Row> data = labels;
    Map<String, Long> versions = new LinkedHashMap<>();
    Map<String, TimeRange> ranges = labelTimeRanges(labels, lookups);
    for (FeatureLookup lookup : lookups) {
      FeatureTables.Snapshot snapshot = snapshots.computeIfAbsent(lookup.table(), tables::snapshot);
      versions.put(snapshot.table().name(), snapshot.table().version());
      data = join(data, lookup, snapshot, ranges);
    }
    return new TrainingSet(data, List.of(lookups), versions);
  }

  /**
   * One row per row of the first lookup's table whose timestamp is in [{@code from}, {@code to}]
   * (its keys and time under the lookup's label column names), with every lookup joined onto it.
   */
  TrainingSet range(Instant from, Instant to, FeatureLookup... lookups) {
    if (lookups.length == 0) {
      throw FeatureErrors.noLookups();
    }
    if (to.isBefore(from)) {
      throw FeatureErrors.rangeEndsBeforeStart(from, to);
    }
    FeatureLookup first = lookups[0];
    Map<String, FeatureTables.Snapshot> snapshots = new LinkedHashMap<>();
    FeatureTableSpec spec =
        snapshots.computeIfAbsent(first.table(), tables::snapshot).table().spec();
    if (spec.timestampKey().isEmpty() || first.timestampLookupKey().isEmpty()) {
      throw FeatureErrors.rangeNeedsTimeSeries(first.table());
    }
    checkKeyCount(first, spec);
    List<Column> spine = new ArrayList<>();
    for (int i = 0; i < spec.primaryKeys().size(); i++) {
      spine.add(col("`" + spec.primaryKeys().get(i) + "`").as(first.lookupKeys().get(i)));
    }
    Column time = col("`" + spec.timestampKey().get() + "`");
    spine.add(time.as(first.timestampLookupKey().get()));
    Column inRange =
        time.cast(DataTypes.TimestampType)
            .between(functions.lit(Timestamp.from(from)), functions.lit(Timestamp.from(to)));
    Dataset<Row> labels =
        spark.table(first.table()).where(inRange).select(spine.toArray(Column[]::new));
    return build(labels, snapshots, lookups);
  }

  /**
   * The time range of every label time column the lookups use, in one pass over the labels as given
   * (not over the labels joined so far, which would run the earlier joins once more).
   */
  private static Map<String, TimeRange> labelTimeRanges(
      Dataset<Row> labels, FeatureLookup... lookups) {
    List<String> columns =
        Arrays.stream(lookups)
            .map(FeatureLookup::timestampLookupKey)
            .flatMap(Optional::stream)
            .distinct()
            .filter(c -> Arrays.asList(labels.columns()).contains(c))
            .toList();
    if (columns.isEmpty()) {
      return Map.of();
    }
    List<Column> aggregates = new ArrayList<>();
    for (String column : columns) {
      Column time = col("`" + column + "`").cast(DataTypes.TimestampType);
      aggregates.add(functions.min(time));
      aggregates.add(functions.max(time));
    }
    Row row =
        labels
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
            .first();
    Map<String, TimeRange> ranges = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      ranges.put(
          columns.get(i), new TimeRange(row.getTimestamp(2 * i), row.getTimestamp(2 * i + 1)));
    }
    return ranges;
  }

  private Dataset<Row> join(
      Dataset<Row> labels,
      FeatureLookup lookup,
      FeatureTables.Snapshot snapshot,
      Map<String, TimeRange> ranges) {
    FeatureTable table = snapshot.table();
    FeatureTableSpec spec = table.spec();
    checkKeyCount(lookup, spec);
    List<String> labelColumns = Arrays.asList(labels.columns());
    for (String key : lookup.lookupKeys()) {
      if (!labelColumns.contains(key)) {
        throw FeatureErrors.noLabelColumn(table.name(), key, labelColumns);
      }
    }
    List<String> featureColumns = featureColumns(lookup, table);
    PointInTimeJoin.checkNoClash(labels.columns(), lookup, featureColumns);
    if (spec.timestampKey().isEmpty()) {
      if (lookup.knownAt()) {
        throw FeatureErrors.knownAtWithoutTimestamp(table.name());
      }
      return joinOnKeys(labels, versionOf(table), lookup, spec, featureColumns);
    }
    if (lookup.timestampLookupKey().isEmpty()) {
      throw FeatureErrors.asOfMissing(table.name(), spec.timestampKey().get());
    }
    if (!labelColumns.contains(lookup.timestampLookupKey().get())) {
      throw FeatureErrors.noLabelTimeColumn(table.name(), lookup.timestampLookupKey().get());
    }
    Dataset<Row> features = lookup.knownAt() ? rowVersions(snapshot) : versionOf(table);
    Dataset<Row> pruned = prune(labels, features, lookup, spec.timestampKey().get(), ranges);
    return PointInTimeJoin.asOf(
        labels, pruned, lookup, spec.primaryKeys(), spec.timestampKey().get(), featureColumns);
  }

  private static void checkKeyCount(FeatureLookup lookup, FeatureTableSpec spec) {
    if (lookup.lookupKeys().size() != spec.primaryKeys().size()) {
      throw FeatureErrors.keyCount(lookup.table(), lookup.lookupKeys(), spec.primaryKeys());
    }
  }

  /** The lookup's features, by default every column of the table that is not a row key. */
  private static List<String> featureColumns(FeatureLookup lookup, FeatureTable table) {
    List<String> columns = Arrays.asList(table.schema().fieldNames());
    if (lookup.features().isEmpty()) {
      return columns.stream().filter(c -> !table.spec().rowKeys().contains(c)).toList();
    }
    for (String feature : lookup.features()) {
      if (!columns.contains(feature)) {
        throw FeatureErrors.noFeature(table.name(), feature);
      }
    }
    return lookup.features();
  }

  /** The table's rows at the version of its snapshot. */
  private Dataset<Row> versionOf(FeatureTable table) {
    return spark.read().format("delta").option("versionAsOf", table.version()).table(table.name());
  }

  /**
   * Every version of every row of {@code table} up to its current version, with the commit time
   * that wrote it, from the change data feed (inserts and update post-images).
   */
  private Dataset<Row> rowVersions(FeatureTables.Snapshot snapshot) {
    FeatureTable table = snapshot.table();
    if (!"true"
        .equalsIgnoreCase(snapshot.properties().get(FeatureProperties.CHANGE_FEED_PROPERTY))) {
      throw FeatureErrors.changeFeedOff(table.name(), FeatureProperties.CHANGE_FEED_PROPERTY);
    }
    return spark
        .read()
        .format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", 0)
        .option("endingVersion", table.version())
        .table(table.name())
        .where(col("_change_type").isin("insert", "update_postimage"))
        .withColumn(PointInTimeJoin.COMMIT_TIME, col("_commit_timestamp"))
        .drop("_change_type", "_commit_version", "_commit_timestamp");
  }

  /** Keeps feature rows in [earliest label − lookback, latest label]: no later row can match. */
  private static Dataset<Row> prune(
      Dataset<Row> labels,
      Dataset<Row> features,
      FeatureLookup lookup,
      String timestampKey,
      Map<String, TimeRange> ranges) {
    String timeColumn = lookup.timestampLookupKey().get();
    TimeRange range =
        ranges.containsKey(timeColumn)
            ? ranges.get(timeColumn)
            : labelTimeRanges(labels, lookup).get(timeColumn);
    if (range.latest() == null) {
      return features.limit(0);
    }
    Column featureTime = col("`" + timestampKey + "`").cast(DataTypes.TimestampType);
    Column keep = featureTime.leq(functions.lit(range.latest()));
    if (lookup.knownAt()) {
      keep = keep.and(col(PointInTimeJoin.COMMIT_TIME).leq(functions.lit(range.latest())));
    }
    if (lookup.lookbackWindow().isPresent()) {
      Timestamp earliest =
          Timestamp.from(range.earliest().toInstant().minus(lookup.lookbackWindow().get()));
      keep = keep.and(featureTime.geq(functions.lit(earliest)));
    }
    return features.where(keep);
  }

  private static Dataset<Row> joinOnKeys(
      Dataset<Row> labels,
      Dataset<Row> features,
      FeatureLookup lookup,
      FeatureTableSpec spec,
      List<String> featureColumns) {
    List<Column> selected = new ArrayList<>();
    for (int i = 0; i < spec.primaryKeys().size(); i++) {
      selected.add(col("`" + spec.primaryKeys().get(i) + "`").as("__lakeops_key_" + i));
    }
    for (String feature : featureColumns) {
      selected.add(col("`" + feature + "`").as(lookup.outputName(feature)));
    }
    Dataset<Row> right = features.select(selected.toArray(Column[]::new));
    Column condition = functions.lit(true);
    for (int i = 0; i < spec.primaryKeys().size(); i++) {
      condition =
          condition.and(
              labels
                  .col("`" + lookup.lookupKeys().get(i) + "`")
                  .equalTo(right.col("__lakeops_key_" + i)));
    }
    Dataset<Row> joined = labels.join(right, condition, "left");
    List<Column> output = new ArrayList<>();
    for (String column : labels.columns()) {
      output.add(labels.col("`" + column + "`"));
    }
    for (String feature : featureColumns) {
      Column value = right.col("`" + lookup.outputName(feature) + "`");
      if (lookup.defaults().containsKey(feature)) {
        value = functions.coalesce(value, functions.lit(lookup.defaults().get(feature)));
      }
      output.add(value.as(lookup.outputName(feature)));
    }
    return joined.select(output.toArray(Column[]::new));
  }
}
