package lakeops.features;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Lineage of models and features: {@code <catalog>.lakeops.feature_lineage} holds one row per
 * (registered model version, feature table) with the Delta version of the table the model was
 * trained on. Written when a version is registered; a repeated registration updates its rows
 * (merged on model, version and table), so SQL can answer "which models use this table" and "what
 * data trained v7".
 */
public final class FeatureLineage {

  /** Columns of the lineage table. */
  public static final StructType SCHEMA =
      new StructType()
          .add("model_name", DataTypes.StringType, false)
          .add("model_version", DataTypes.IntegerType, false)
          .add("run_id", DataTypes.StringType)
          .add("feature_table", DataTypes.StringType, false)
          .add("delta_version", DataTypes.LongType)
          .add("recorded_at", DataTypes.TimestampType);

  private final SparkSession spark;

  private FeatureLineage(SparkSession spark) {
    this.spark = spark;
  }

  /** The lineage tables of {@code spark}'s catalogs. */
  public static FeatureLineage of(SparkSession spark) {
    return new FeatureLineage(spark);
  }

  /** {@code <catalog>.lakeops.feature_lineage}. */
  public static String tableName(String catalog) {
    return catalog + "." + FeatureProperties.SYSTEM_SCHEMA + "." + FeatureProperties.LINEAGE_TABLE;
  }

  /**
   * Records that version {@code version} of {@code modelName}, logged by {@code runId}, was trained
   * on the feature tables and Delta versions of {@code tableVersions}; writes to {@code catalog}.
   */
  public void record(
      String catalog,
      String modelName,
      int version,
      String runId,
      Map<String, Long> tableVersions) {
    String table = tableName(catalog);
    spark.sql("CREATE SCHEMA IF NOT EXISTS " + catalog + "." + FeatureProperties.SYSTEM_SCHEMA);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " ("
            + SCHEMA.toDDL()
            + ") USING delta "
            + "COMMENT 'Which model versions were trained on which feature tables, at which Delta versions'");
    if (tableVersions.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>();
    tableVersions.forEach(
        (feature, delta) ->
            rows.add(RowFactory.create(modelName, version, runId, feature, delta, now)));
    Dataset<Row> entries = spark.createDataFrame(rows, SCHEMA);
    io.delta.tables.DeltaTable.forName(spark, table)
        .as("t")
        .merge(
            entries.as("s"),
            "t.model_name = s.model_name AND t.model_version = s.model_version "
                + "AND t.feature_table = s.feature_table")
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /** The lineage rows of {@code modelName} in {@code catalog}, by version and table. */
  public Dataset<Row> of(String catalog, String modelName) {
    return spark
        .table(tableName(catalog))
        .where(org.apache.spark.sql.functions.col("model_name").equalTo(modelName))
        .orderBy("model_version", "feature_table");
  }
}
