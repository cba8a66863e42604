package lakeops.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTableSpec;
import lakeops.features.WriteMode;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The generated data of the point-in-time benchmark: N label rows and three time-series feature
 * tables of N rows each (3N), written once as Parquet (read by DuckDB) and as LakeOps feature
 * tables (Delta, read by the Spark plans).
 *
 * <p>Time span: 90 days from 2024-01-01 UTC. A feature table's row i has timestamp start +
 * i·(span/N) (so (key, ts) is unique) and a key drawn by a hash of i; its features are {@code
 * <t>_seq} = i (which feature row matched: an exact checksum) and {@code <t>_value}, a double.
 * Label times are uniform over the span. Uniform variant: keys uniform over N/10 users, N/100
 * items, N/1000 merchants. Skewed variant: the same, except that 4 merchants hold 60% of the labels
 * and 60% of the merchant rows.
 */
final class PitJoinData {

  /** 2024-01-01T00:00:00Z in microseconds. */
  static final long START_MICROS = 1_704_067_200_000_000L;

  static final long SPAN_MICROS = Duration.ofDays(90).toNanos() / 1000;
  static final int HOT_KEYS = 4;
  static final int HOT_PERCENT = 60;

  /** One feature table: its name prefix, key column, keys per row and lookback. */
  record Table(String prefix, long keyDivisor, Duration lookback) {
    String key() {
      return prefix + "_id";
    }

    String ts() {
      return prefix + "_ts";
    }

    String seq() {
      return prefix + "_seq";
    }

    String value() {
      return prefix + "_value";
    }

    long cardinality(long labels) {
      return Math.max(1, labels / keyDivisor);
    }
  }

  static final List<Table> TABLES =
      List.of(
          new Table("user", 10, Duration.ofDays(30)),
          new Table("item", 100, Duration.ofDays(7)),
          new Table("merchant", 1000, Duration.ofDays(1)));

  private final SparkSession spark;
  private final long labels;
  private final boolean skewed;
  private final Path dir;
  private final String schema;

  PitJoinData(SparkSession spark, long labels, boolean skewed, Path workDir) {
    this.spark = spark;
    this.labels = labels;
    this.skewed = skewed;
    this.dir = workDir.resolve(variant());
    this.schema = "dev.bench_pit_" + variant();
  }

  String variant() {
    return skewed ? "skewed" : "uniform";
  }

  long labelRows() {
    return labels;
  }

  Path labelsParquet() {
    return dir.resolve("labels");
  }

  Path featuresParquet(Table table) {
    return dir.resolve(table.prefix() + "_features");
  }

  String featureTable(Table table) {
    return schema + "." + table.prefix() + "_features";
  }

  /** Label rows: label_id, one key per table, label_ts, label. */
  Dataset<Row> labels() {
    return spark.read().parquet(labelsParquet().toString());
  }

  /** The lookup of {@code table} LakeOps is timed with. */
  FeatureLookup lookup(Table table) {
    return FeatureLookup.of(featureTable(table))
        .on(table.key())
        .asOf("label_ts")
        .lookback(table.lookback())
        .features(table.seq(), table.value());
  }

  /** Generates and writes everything: Parquet files, then the Delta feature tables. */
  void write() {
    Dataset<Row> rows = spark.range(labels).select(col("id").as("label_id"));
    for (Table table : TABLES) {
      rows = rows.withColumn(table.key(), key(table, col("label_id"), 11));
    }
    rows.withColumn(
            "label_ts",
            expr(
                "timestamp_micros("
                    + START_MICROS
                    + " + pmod(xxhash64(label_id, 5), "
                    + SPAN_MICROS
                    + "))"))
        .withColumn("label", pmod(xxhash64(col("label_id"), lit(6)), lit(2)).cast("int"))
        .write()
        .mode("overwrite")
        .parquet(labelsParquet().toString());
    spark.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    spark.sql("CREATE SCHEMA " + schema);
    FeatureStore store = FeatureStore.of(spark);
    for (Table table : TABLES) {
      long step = SPAN_MICROS / labels;
      spark
          .range(labels)
          .select(
              key(table, col("id"), 21).as(table.key()),
              expr("timestamp_micros(" + START_MICROS + " + id * " + step + ")").as(table.ts()),
              col("id").as(table.seq()),
              expr("CAST(pmod(xxhash64(id, 8), 1000000) AS DOUBLE) / 1000.0D").as(table.value()))
          .write()
          .mode("overwrite")
          .parquet(featuresParquet(table).toString());
      Dataset<Row> features = spark.read().parquet(featuresParquet(table).toString());
      store.createTable(
          FeatureTableSpec.builder(featureTable(table))
              .primaryKeys(table.key())
              .timestampKey(table.ts())
              .description("pit-join bench " + variant())
              .build(),
          features.schema());
      store.writeTable(featureTable(table), features, WriteMode.OVERWRITE);
    }
  }

  /**
   * A key of {@code table} for row {@code id}: uniform, or for merchants in the skewed variant hot.
   */
  private Column key(Table table, Column id, int salt) {
    long cardinality = table.cardinality(labels);
    Column uniform = pmod(xxhash64(id, lit(salt + table.prefix().length())), lit(cardinality));
    if (!skewed || !table.prefix().equals("merchant")) {
      return uniform;
    }
    return when(
            pmod(xxhash64(id, lit(salt + 100)), lit(100)).lt(HOT_PERCENT),
            pmod(xxhash64(id, lit(salt + 200)), lit(HOT_KEYS)))
        .otherwise(uniform.plus(HOT_KEYS));
  }
}
