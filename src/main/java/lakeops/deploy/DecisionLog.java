package lakeops.deploy;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code <env>.ml.deployments}: one row per decision, written through the environment's own session
 * (so the access guard applies). An append is a MERGE on the decision's time, model, version and
 * action, so a retried append of the same decision adds nothing.
 */
final class DecisionLog {

  /** The table's schema, as the notebooks and SQL read it. */
  static final StructType SCHEMA =
      new StructType()
          .add("decided_at", DataTypes.TimestampType)
          .add("environment", DataTypes.StringType)
          .add("model", DataTypes.StringType)
          .add("version", DataTypes.IntegerType)
          .add("previous_champion", DataTypes.IntegerType)
          .add("action", DataTypes.StringType)
          .add("result", DataTypes.StringType)
          .add("metric", DataTypes.StringType)
          .add("challenger_metric", DataTypes.DoubleType)
          .add("champion_metric", DataTypes.DoubleType)
          .add(
              "checks",
              DataTypes.createArrayType(
                  new StructType()
                      .add("name", DataTypes.StringType)
                      .add("value", DataTypes.StringType)
                      .add("threshold", DataTypes.StringType)
                      .add("passed", DataTypes.BooleanType)))
          .add("actor", DataTypes.StringType)
          .add("comment", DataTypes.StringType);

  private final SparkSession spark;
  private final String table;

  DecisionLog(SparkSession spark, String catalog) {
    this.spark = spark;
    this.table = catalog + "." + DeployProperties.DECISIONS_TABLE;
  }

  String table() {
    return table;
  }

  /** Appends {@code decision} unless the same decision is there already. */
  void append(Decision decision) {
    create();
    Dataset<Row> row = spark.createDataFrame(List.of(toRow(decision)), SCHEMA);
    DeltaTable.forName(spark, table)
        .as("t")
        .merge(
            row.as("s"),
            "t.decided_at = s.decided_at AND t.model = s.model AND t.version = s.version"
                + " AND t.action = s.action")
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /** The newest {@code limit} decisions about {@code model}, newest first; none without a table. */
  List<Row> latest(String model, int limit) {
    if (!spark.catalog().tableExists(table)) {
      return List.of();
    }
    return spark
        .table(table)
        .where(col("model").equalTo(model))
        .orderBy(col("decided_at").desc())
        .limit(limit)
        .collectAsList();
  }

  private void create() {
    if (spark.catalog().tableExists(table)) {
      return;
    }
    String schema = table.substring(0, table.lastIndexOf('.'));
    spark.sql("CREATE SCHEMA IF NOT EXISTS " + schema);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " ("
            + SCHEMA.toDDL()
            + ") USING delta COMMENT 'LakeOps deployment decisions'");
  }

  /** A row of the table as a decision. */
  static Decision fromRow(Row row) {
    List<CheckResult> checks = new ArrayList<>();
    List<Row> stored = row.getList(row.fieldIndex("checks"));
    if (stored != null) {
      stored.forEach(
          c ->
              checks.add(
                  new CheckResult(
                      c.getString(0), c.getString(1), c.getString(2), c.getBoolean(3))));
    }
    return new Decision(
        row.getTimestamp(row.fieldIndex("decided_at")).toInstant(),
        row.getString(row.fieldIndex("environment")),
        row.getString(row.fieldIndex("model")),
        row.getInt(row.fieldIndex("version")),
        row.isNullAt(row.fieldIndex("previous_champion"))
            ? null
            : row.getInt(row.fieldIndex("previous_champion")),
        row.getString(row.fieldIndex("action")),
        row.getString(row.fieldIndex("result")),
        row.getString(row.fieldIndex("metric")),
        row.isNullAt(row.fieldIndex("challenger_metric"))
            ? null
            : row.getDouble(row.fieldIndex("challenger_metric")),
        row.isNullAt(row.fieldIndex("champion_metric"))
            ? null
            : row.getDouble(row.fieldIndex("champion_metric")),
        checks,
        row.getString(row.fieldIndex("actor")),
        row.getString(row.fieldIndex("comment")));
  }

  private static Row toRow(Decision d) {
    List<Row> checks = new ArrayList<>();
    d.checks()
        .forEach(
            c -> checks.add(RowFactory.create(c.name(), c.value(), c.threshold(), c.passed())));
    return RowFactory.create(
        Timestamp.from(d.decidedAt()),
        d.environment(),
        d.model(),
        d.version(),
        d.previousChampion(),
        d.action(),
        d.result(),
        d.metric(),
        d.challengerMetric(),
        d.championMetric(),
        checks,
        d.actor(),
        d.comment());
  }
}
