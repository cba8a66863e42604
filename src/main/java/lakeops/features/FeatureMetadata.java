package lakeops.features;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The feature store's own tables in each catalog: {@code lakeops.feature_tables} (one row a feature
 * table, merged on name) and {@code lakeops.feature_stats} (statistics of every write, appended).
 */
final class FeatureMetadata {

  private static final StructType STATS_SCHEMA =
      new StructType()
          .add("table_name", DataTypes.StringType)
          .add("data_version", DataTypes.LongType)
          .add("written_at", DataTypes.TimestampType)
          .add("column_name", DataTypes.StringType)
          .add("data_type", DataTypes.StringType)
          .add("count", DataTypes.LongType)
          .add("num_nulls", DataTypes.LongType)
          .add("min", DataTypes.StringType)
          .add("max", DataTypes.StringType)
          .add("mean", DataTypes.DoubleType);

  private final SparkSession spark;

  FeatureMetadata(SparkSession spark) {
    this.spark = spark;
  }

  /** Records {@code table}'s current description and, if given, statistics of the rows written. */
  void record(FeatureTable table, Dataset<Row> written) {
    String catalog = table.name().split("\\.")[0];
    ensureTables(catalog);
    Timestamp now = Timestamp.from(Instant.now());
    Dataset<Row> entry =
        spark.sql(
            String.format(
                "SELECT %s AS name, split(%s, ',') AS primary_keys, %s AS timestamp_key, %s AS description, "
                    + "%s AS columns, CAST(%d AS BIGINT) AS data_version, CAST(%s AS TIMESTAMP) AS updated_at, "
                    + "%s AS producer",
                literal(table.name()),
                literal(String.join(",", table.spec().primaryKeys())),
                table
                    .spec()
                    .timestampKey()
                    .map(FeatureMetadata::literal)
                    .orElse("CAST(NULL AS STRING)"),
                literal(table.spec().description()),
                columnsLiteral(table.schema()),
                table.version(),
                literal(now.toString()),
                literal(producer())));
    lakeops.catalog.DeltaConflicts.retry(
        "MERGE into " + metadataTable(catalog),
        () ->
            io.delta.tables.DeltaTable.forName(spark, metadataTable(catalog))
                .as("t")
                .merge(entry.as("s"), "t.name = s.name")
                .whenMatched()
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .execute());
    if (written != null) {
      try {
        statistics(table, written, now).writeTo(statsTable(catalog)).append();
      } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
        throw FeatureErrors.dropped("record feature statistics in " + statsTable(catalog), e);
      }
    }
  }

  List<String> names(String catalog) {
    if (!spark.catalog().tableExists(metadataTable(catalog))) {
      return List.of();
    }
    return spark
        .table(metadataTable(catalog))
        .select("name")
        .orderBy("name")
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }

  /** count, nulls, min, max and mean of every column, in one aggregation. */
  private Dataset<Row> statistics(FeatureTable table, Dataset<Row> written, Timestamp now) {
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(functions.count(functions.lit(1)));
    StructField[] fields = written.schema().fields();
    for (StructField field : fields) {
      Column c = col("`" + field.name() + "`");
      aggregates.add(functions.count(c));
      aggregates.add(functions.min(c).cast(DataTypes.StringType));
      aggregates.add(functions.max(c).cast(DataTypes.StringType));
      aggregates.add(
          field.dataType() instanceof NumericType
              ? functions.avg(c)
              : functions.lit(null).cast(DataTypes.DoubleType));
    }
    Row result =
        written
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
            .first();
    long rows = result.getLong(0);
    List<Row> stats = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      int base = 1 + 4 * i;
      long nonNull = result.getLong(base);
      stats.add(
          RowFactory.create(
              table.name(),
              table.version(),
              now,
              fields[i].name(),
              fields[i].dataType().simpleString(),
              rows,
              rows - nonNull,
              result.get(base + 1),
              result.get(base + 2),
              result.isNullAt(base + 3) ? null : result.getDouble(base + 3)));
    }
    return spark.createDataFrame(stats, STATS_SCHEMA);
  }

  private void ensureTables(String catalog) {
    if (!spark.catalog().databaseExists(catalog + "." + FeatureProperties.SYSTEM_SCHEMA)) {
      spark.sql("CREATE SCHEMA IF NOT EXISTS " + catalog + "." + FeatureProperties.SYSTEM_SCHEMA);
    }
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + metadataTable(catalog)
            + " (name STRING, "
            + "primary_keys ARRAY<STRING>, timestamp_key STRING, description STRING, "
            + "columns ARRAY<STRUCT<name: STRING, type: STRING>>, data_version BIGINT, "
            + "updated_at TIMESTAMP, producer STRING)");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS " + statsTable(catalog) + " (" + STATS_SCHEMA.toDDL() + ")");
  }

  private static String metadataTable(String catalog) {
    return catalog + "." + FeatureProperties.SYSTEM_SCHEMA + "." + FeatureProperties.METADATA_TABLE;
  }

  private static String statsTable(String catalog) {
    return catalog + "." + FeatureProperties.SYSTEM_SCHEMA + "." + FeatureProperties.STATS_TABLE;
  }

  private static String columnsLiteral(StructType schema) {
    List<String> entries = new ArrayList<>();
    for (StructField field : schema.fields()) {
      entries.add(
          "named_struct('name', "
              + literal(field.name())
              + ", 'type', "
              + literal(field.dataType().simpleString())
              + ")");
    }
    return "array(" + String.join(", ", entries) + ")";
  }

  /** The job run or user that wrote: {@code LAKEOPS_JOB_RUN_ID}, else the OS user. */
  private static String producer() {
    String run = System.getenv("LAKEOPS_JOB_RUN_ID");
    return run != null && !run.isBlank()
        ? "job-run:" + run
        : "user:" + System.getProperty("user.name");
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
