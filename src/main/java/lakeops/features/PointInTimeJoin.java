package lakeops.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The as-of join of one feature lookup onto label rows: for every label row, the latest feature row
 * of the same keys whose timestamp is at most the label time, and within the lookback window.
 *
 * <p>Plan: a union of label rows and feature rows, sorted per key by time, with each label row
 * taking the last feature row before it (a forward fill). Unlike a range join plus a rank per
 * label, it is linear in the rows of a key, so skewed keys do not explode. Ties: a feature row
 * whose timestamp equals the label time counts as known at that time (sorted before the label).
 * Label rows are carried whole through the union: none is dropped or duplicated, and no row id is
 * needed. Label rows with a null key match nothing.
 *
 * <p>As known at ({@link FeatureLookup#asKnownAt()}): the feature rows are every version of every
 * row from the change data feed, each with the commit time that wrote it. A version is usable from
 * max(timestamp, commit time); sorted by that, each label row takes the greatest (timestamp, commit
 * time) among the usable versions before it — a running max rather than the last row, because a
 * late backfill of an old timestamp must not displace a newer row that was already known.
 */
final class PointInTimeJoin {

  private static final String LABEL = "__lakeops_label";
  private static final String FEATURES = "__lakeops_features";
  private static final String IS_LABEL = "__lakeops_is_label";
  private static final String TIME = "__lakeops_time";
  private static final String FEATURE_TIME = "__lakeops_feature_time";
  private static final String KEY = "__lakeops_key_";

  /** Column of the feature rows of an as-known-at lookup: the commit time of the row's version. */
  static final String COMMIT_TIME = "__lakeops_commit_time";

  private PointInTimeJoin() {}

  /**
   * Joins {@code features} (columns: keys, timestamp, feature columns) onto {@code labels}.
   *
   * @param keys the table's primary keys, matched in order to the lookup's label columns
   * @param timestampKey the table's timestamp column
   * @param featureColumns the feature columns to take
   */
  static Dataset<Row> asOf(
      Dataset<Row> labels,
      Dataset<Row> features,
      FeatureLookup lookup,
      List<String> keys,
      String timestampKey,
      List<String> featureColumns) {
    String labelTime = lookup.timestampLookupKey().orElseThrow();
    String[] labelColumns = labels.columns();

    Column labelStruct = struct(columns(labelColumns));
    boolean knownAt = lookup.knownAt();
    Column featureStruct = featureStruct(featureColumns, timestampKey, knownAt);
    List<Column> labelSide = new ArrayList<>();
    labelSide.add(labelStruct.as(LABEL));
    labelSide.add(lit(null).cast(typeOf(features, featureStruct)).as(FEATURES));
    List<Column> featureSide = new ArrayList<>();
    featureSide.add(lit(null).cast(typeOf(labels, labelStruct)).as(LABEL));
    featureSide.add(featureStruct.as(FEATURES));
    for (int i = 0; i < keys.size(); i++) {
      String labelKey = lookup.lookupKeys().get(i);
      labelSide.add(col(quote(labelKey)).as(KEY + i));
      featureSide.add(
          col(quote(keys.get(i))).cast(labels.schema().apply(labelKey).dataType()).as(KEY + i));
    }
    labelSide.add(col(quote(labelTime)).cast(DataTypes.TimestampType).as(TIME));
    labelSide.add(lit(1).as(IS_LABEL));
    Column featureTime = col(quote(timestampKey)).cast(DataTypes.TimestampType);
    featureSide.add(
        (knownAt ? functions.greatest(featureTime, col(COMMIT_TIME)) : featureTime).as(TIME));
    featureSide.add(lit(0).as(IS_LABEL));

    Dataset<Row> union =
        labels
            .select(labelSide.toArray(Column[]::new))
            .unionByName(features.select(featureSide.toArray(Column[]::new)));
    WindowSpec byKeyInTime =
        Window.partitionBy(keyColumns(keys.size()))
            .orderBy(col(TIME).asc_nulls_first(), col(IS_LABEL).asc())
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> filled =
        union
            .withColumn(
                FEATURES,
                (knownAt ? functions.max(col(FEATURES)) : functions.last(col(FEATURES), true))
                    .over(byKeyInTime))
            .where(col(IS_LABEL).equalTo(1));

    Column match = col(FEATURES);
    if (lookup.lookbackWindow().isPresent()) {
      long seconds = lookup.lookbackWindow().get().toSeconds();
      match =
          functions.when(
              col(FEATURES + "." + FEATURE_TIME)
                  .geq(col(TIME).minus(expr("make_dt_interval(0, 0, 0, " + seconds + ")"))),
              col(FEATURES));
    }
    List<Column> output = new ArrayList<>();
    for (String column : labelColumns) {
      output.add(col(LABEL + "." + quote(column)).as(column));
    }
    for (String feature : featureColumns) {
      Column value = match.getField(feature);
      if (lookup.defaults().containsKey(feature)) {
        value = functions.coalesce(value, lit(lookup.defaults().get(feature)));
      }
      output.add(value.as(lookup.outputName(feature)));
    }
    return filled.select(output.toArray(Column[]::new));
  }

  /**
   * Feature values with their time; as known at, (time, commit time) first, so max orders by them.
   */
  private static Column featureStruct(
      List<String> featureColumns, String timestampKey, boolean knownAt) {
    List<Column> fields = new ArrayList<>();
    fields.add(col(quote(timestampKey)).cast(DataTypes.TimestampType).as(FEATURE_TIME));
    if (knownAt) {
      fields.add(col(COMMIT_TIME).as(COMMIT_TIME));
    }
    for (String feature : featureColumns) {
      fields.add(col(quote(feature)).as(feature));
    }
    return struct(fields.toArray(Column[]::new));
  }

  private static org.apache.spark.sql.types.DataType typeOf(Dataset<Row> data, Column column) {
    return data.select(column).schema().fields()[0].dataType();
  }

  /** Refuses label columns a lookup would overwrite. */
  static void checkNoClash(
      String[] labelColumns, FeatureLookup lookup, List<String> featureColumns) {
    for (String feature : featureColumns) {
      String output = lookup.outputName(feature);
      for (String label : labelColumns) {
        if (label.equalsIgnoreCase(output)) {
          throw FeatureErrors.featureClash(feature, lookup.table(), output);
        }
      }
    }
  }

  private static Column[] keyColumns(int count) {
    Column[] columns = new Column[count];
    for (int i = 0; i < count; i++) {
      columns[i] = col(KEY + i);
    }
    return columns;
  }

  private static Column[] columns(String[] names) {
    Column[] columns = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      columns[i] = col(quote(names[i]));
    }
    return columns;
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
