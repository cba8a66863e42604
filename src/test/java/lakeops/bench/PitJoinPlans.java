package lakeops.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import lakeops.bench.PitJoinData.Table;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The Spark plans the benchmark times, all producing the label columns followed by {@code <t>_seq}
 * and {@code <t>_value} of each table, and the one aggregate every plan is materialised with.
 */
final class PitJoinPlans {

  private PitJoinPlans() {}

  /** LakeOps: FeatureStore.createTrainingSet (union + forward fill per table). */
  static Dataset<Row> lakeOps(SparkSession spark, PitJoinData data) {
    FeatureLookup[] lookups =
        PitJoinData.TABLES.stream().map(data::lookup).toArray(FeatureLookup[]::new);
    return FeatureStore.of(spark).createTrainingSet(data.labels(), lookups).data();
  }

  /**
   * The plan of Feast's Spark offline store, Hopsworks and Databricks' point-in-time lookup: per
   * table, a left join of the label rows to the feature rows on key and feature_ts in [label_ts −
   * lookback, label_ts], then row_number() over (partition by label row id order by feature_ts
   * desc) = 1; the per-table results are joined back to the labels on the row id.
   */
  static Dataset<Row> naive(SparkSession spark, PitJoinData data) {
    Dataset<Row> labels = data.labels();
    Dataset<Row> result = labels;
    for (Table table : PitJoinData.TABLES) {
      Dataset<Row> entities = labels.select("label_id", table.key(), "label_ts");
      Dataset<Row> features =
          spark
              .read()
              .table(data.featureTable(table))
              .withColumnRenamed(table.key(), "__feature_key");
      Column condition =
          entities
              .col(table.key())
              .equalTo(features.col("__feature_key"))
              .and(features.col(table.ts()).leq(entities.col("label_ts")))
              .and(features.col(table.ts()).geq(entities.col("label_ts").minus(interval(table))));
      Dataset<Row> latest =
          entities
              .join(features, condition, "left")
              .withColumn(
                  "__rank",
                  row_number().over(Window.partitionBy("label_id").orderBy(col(table.ts()).desc())))
              .where(col("__rank").equalTo(1))
              .select("label_id", table.seq(), table.value());
      result = result.join(latest, scalaSeq("label_id"), "left");
    }
    return result;
  }

  /** Spark's own as-of join (Dataset.joinAsOf, the operator under pandas-on-Spark merge_asof). */
  static Dataset<Row> sparkAsOf(SparkSession spark, PitJoinData data) {
    Dataset<Row> result = data.labels();
    for (Table table : PitJoinData.TABLES) {
      org.apache.spark.sql.classic.Dataset<Row> left =
          (org.apache.spark.sql.classic.Dataset<Row>) result;
      org.apache.spark.sql.classic.Dataset<Row> features =
          (org.apache.spark.sql.classic.Dataset<Row>)
              spark
                  .read()
                  .table(data.featureTable(table))
                  .withColumnRenamed(table.key(), "__feature_key");
      result =
          left.joinAsOf(
                  features,
                  left.col("label_ts"),
                  features.col(table.ts()),
                  left.col(table.key()).equalTo(features.col("__feature_key")),
                  "left",
                  interval(table),
                  true,
                  "backward")
              .drop("__feature_key")
              .drop(table.ts());
    }
    return result;
  }

  private static Column interval(Table table) {
    return expr("INTERVAL " + table.lookback().toDays() + " DAYS");
  }

  private static scala.collection.immutable.Seq<String> scalaSeq(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }

  /**
   * Materialises {@code result} with one aggregate over every output column: row count, sums of the
   * label columns, and per table the matched rows, a checksum of which feature row each label got
   * (Σ (label_id mod 1009)·(seq mod 1000003)) and the sum of the values.
   */
  static Checksum checksum(Dataset<Row> result) {
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(count(lit(1)));
    aggregates.add(sum("label_id"));
    aggregates.add(sum("label"));
    aggregates.add(count("label_ts"));
    aggregates.add(expr("sum(unix_micros(label_ts) % 1000003)"));
    for (Table table : PitJoinData.TABLES) {
      aggregates.add(sum(table.key()));
    }
    for (Table table : PitJoinData.TABLES) {
      aggregates.add(count(table.seq()));
      aggregates.add(expr("sum(pmod(label_id, 1009) * pmod(" + table.seq() + ", 1000003))"));
    }
    for (Table table : PitJoinData.TABLES) {
      aggregates.add(sum(table.value()));
    }
    Row row =
        result
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
            .first();
    List<String> exact = new ArrayList<>();
    List<Double> approximate = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      if (i < row.length() - PitJoinData.TABLES.size()) {
        exact.add(row.isNullAt(i) ? "null" : String.valueOf(row.get(i)));
      } else {
        approximate.add(row.isNullAt(i) ? null : row.getDouble(i));
      }
    }
    return new Checksum(exact, approximate);
  }
}
