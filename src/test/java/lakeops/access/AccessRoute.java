package lakeops.access;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * One way of writing a table, run against a table of the {@code (id BIGINT, v STRING)} shape: SQL,
 * DataFrame writer, DeltaTable API or streaming, by name or by path.
 *
 * @param name the route, as the test shows it
 * @param operation the operation a refusal names
 * @param target what a refusal names, from the table: {@code TABLE}, {@code NEW_TABLE}, {@code
 *     SCHEMA}, {@code NEW_SCHEMA}, {@code PARQUET}
 * @param action the write
 */
record AccessRoute(
    String name, String operation, Kind target, BiConsumer<SparkSession, Place> action) {

  /** What a refusal of the route names. */
  enum Kind {
    TABLE,
    NEW_TABLE,
    SCHEMA,
    NEW_SCHEMA,
    PARQUET
  }

  /** The table a route writes: {@code <catalog>.<schema>.t} at {@code path}. */
  record Place(String schema, String table, String path, String checkpoints) {

    String expected(Kind kind) {
      return switch (kind) {
        case TABLE -> table;
        case NEW_TABLE -> table + "_new";
        case SCHEMA -> schema;
        case NEW_SCHEMA -> schema + "_new";
        case PARQUET -> table + "_parquet";
      };
    }
  }

  @Override
  public String toString() {
    return name;
  }

  static List<AccessRoute> all() {
    return List.of(
        sql("sql INSERT INTO", "INSERT INTO", Kind.TABLE, "INSERT INTO %t VALUES (9, 'x')"),
        sql(
            "sql INSERT OVERWRITE",
            "INSERT OVERWRITE",
            Kind.TABLE,
            "INSERT OVERWRITE %t SELECT 9L, 'x'"),
        sql("sql CREATE TABLE", "CREATE TABLE", Kind.NEW_TABLE, "CREATE TABLE %t_new (id INT)"),
        sql(
            "sql CREATE TABLE AS SELECT",
            "CREATE TABLE",
            Kind.NEW_TABLE,
            "CREATE TABLE %t_new AS SELECT 1 AS id"),
        sql(
            "sql CREATE OR REPLACE",
            "CREATE OR REPLACE TABLE",
            Kind.TABLE,
            "CREATE OR REPLACE TABLE %t AS SELECT 1L AS id, 'r' AS v"),
        sql("sql DROP TABLE", "DROP TABLE", Kind.TABLE, "DROP TABLE %t"),
        sql(
            "sql ALTER TABLE ADD COLUMNS",
            "ALTER TABLE",
            Kind.TABLE,
            "ALTER TABLE %t ADD COLUMNS (c INT)"),
        sql(
            "sql ALTER TABLE SET TBLPROPERTIES",
            "ALTER TABLE",
            Kind.TABLE,
            "ALTER TABLE %t SET TBLPROPERTIES ('lakeops.k' = 'v')"),
        sql("sql TRUNCATE", "TRUNCATE", Kind.TABLE, "TRUNCATE TABLE %t"),
        sql(
            "sql MERGE INTO",
            "MERGE INTO",
            Kind.TABLE,
            "MERGE INTO %t t USING (SELECT 1L AS id, 'm' AS v) s "
                + "ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"),
        sql("sql UPDATE", "UPDATE", Kind.TABLE, "UPDATE %t SET v = 'u' WHERE id = 1"),
        sql("sql DELETE", "DELETE FROM", Kind.TABLE, "DELETE FROM %t WHERE id = 1"),
        sql("sql OPTIMIZE", "OPTIMIZE", Kind.TABLE, "OPTIMIZE %t"),
        sql("sql VACUUM", "VACUUM", Kind.TABLE, "VACUUM %t"),
        sql("sql RESTORE", "RESTORE", Kind.TABLE, "RESTORE TABLE %t TO VERSION AS OF 0"),
        sql("sql CREATE SCHEMA", "CREATE SCHEMA", Kind.NEW_SCHEMA, "CREATE SCHEMA %s_new"),
        sql("sql DROP SCHEMA", "DROP SCHEMA", Kind.SCHEMA, "DROP SCHEMA %s CASCADE"),
        sql(
            "sql INSERT INTO delta.`path`",
            "INSERT INTO",
            Kind.TABLE,
            "INSERT INTO spark_catalog.delta.`%p` VALUES (9, 'x')"),
        sql(
            "sql INSERT INTO delta.`path` (default catalog)",
            "INSERT INTO",
            Kind.TABLE,
            "INSERT INTO delta.`%p` VALUES (9, 'x')"),
        sql(
            "sql DELETE FROM delta.`path`",
            "DELETE FROM",
            Kind.TABLE,
            "DELETE FROM spark_catalog.delta.`%p` WHERE id = 1"),
        route(
            "saveAsTable append",
            "INSERT INTO",
            Kind.TABLE,
            (spark, p) ->
                rows(spark).write().format("delta").mode("append").saveAsTable(p.table())),
        route(
            "saveAsTable overwrite",
            "CREATE OR REPLACE TABLE",
            Kind.TABLE,
            (spark, p) ->
                rows(spark).write().format("delta").mode("overwrite").saveAsTable(p.table())),
        route(
            "insertInto",
            "INSERT INTO",
            Kind.TABLE,
            (spark, p) -> rows(spark).write().insertInto(p.table())),
        route(
            "insertInto overwrite",
            "INSERT OVERWRITE",
            Kind.TABLE,
            (spark, p) -> rows(spark).write().mode("overwrite").insertInto(p.table())),
        route(
            "save(path) append",
            "WRITE",
            Kind.TABLE,
            (spark, p) -> rows(spark).write().format("delta").mode("append").save(p.path())),
        route(
            "save(path) overwrite",
            "WRITE",
            Kind.TABLE,
            (spark, p) -> rows(spark).write().format("delta").mode("overwrite").save(p.path())),
        route(
            "parquet(path)",
            "WRITE",
            Kind.PARQUET,
            (spark, p) -> rows(spark).write().mode("overwrite").parquet(p.path() + "_parquet")),
        route("writeTo append", "INSERT INTO", Kind.TABLE, (spark, p) -> append(rows(spark), p)),
        route(
            "writeTo overwrite",
            "INSERT OVERWRITE",
            Kind.TABLE,
            (spark, p) -> overwrite(rows(spark), p)),
        route(
            "writeTo createOrReplace",
            "CREATE OR REPLACE TABLE",
            Kind.TABLE,
            (spark, p) -> createOrReplace(rows(spark), p)),
        route(
            "DeltaTable.forName merge",
            "MERGE INTO",
            Kind.TABLE,
            (spark, p) ->
                DeltaTable.forName(spark, p.table())
                    .as("t")
                    .merge(rows(spark).as("s"), "t.id = s.id")
                    .whenMatched()
                    .updateAll()
                    .whenNotMatched()
                    .insertAll()
                    .execute()),
        route(
            "DeltaTable.forPath update",
            "UPDATE",
            Kind.TABLE,
            (spark, p) ->
                DeltaTable.forPath(spark, p.path())
                    .update(functions.expr("id = 1"), Map.of("v", functions.lit("u")))),
        route(
            "DeltaTable.forName delete",
            "DELETE FROM",
            Kind.TABLE,
            (spark, p) -> DeltaTable.forName(spark, p.table()).delete("id = 1")),
        route(
            "DeltaTable.forPath vacuum",
            "VACUUM",
            Kind.TABLE,
            (spark, p) -> DeltaTable.forPath(spark, p.path()).vacuum()),
        route(
            "DeltaTable.forPath optimize",
            "OPTIMIZE",
            Kind.TABLE,
            (spark, p) -> DeltaTable.forPath(spark, p.path()).optimize().executeCompaction()),
        route("streaming into path", "STREAM INTO", Kind.TABLE, AccessRoute::streamToPath),
        route("streaming toTable", "STREAM INTO", Kind.TABLE, AccessRoute::streamToTable),
        sql(
            "sql SHALLOW CLONE",
            "CREATE TABLE",
            Kind.NEW_TABLE,
            "CREATE TABLE %t_new SHALLOW CLONE %t"),
        sql(
            "sql CONVERT TO DELTA",
            "CONVERT TO DELTA",
            Kind.PARQUET,
            "CONVERT TO DELTA parquet.`%p_parquet`"),
        sql("sql REORG", "REORG", Kind.TABLE, "REORG TABLE %t APPLY (PURGE)"),
        sql(
            "sql ALTER TABLE ADD CONSTRAINT",
            "ALTER TABLE",
            Kind.TABLE,
            "ALTER TABLE %t ADD CONSTRAINT positive_id CHECK (id > 0)"),
        sql(
            "sql ALTER TABLE ALTER COLUMN",
            "ALTER TABLE",
            Kind.TABLE,
            "ALTER TABLE %t ALTER COLUMN v COMMENT 'the value'"),
        sql(
            "sql ALTER TABLE CLUSTER BY",
            "ALTER TABLE",
            Kind.TABLE,
            "ALTER TABLE %t CLUSTER BY (id)"));
  }

  private static AccessRoute sql(String name, String operation, Kind target, String statement) {
    return new AccessRoute(
        name,
        operation,
        target,
        (spark, p) ->
            spark.sql(
                statement
                    .replace("%t", p.table())
                    .replace("%s", p.schema())
                    .replace("%p", p.path())));
  }

  private static AccessRoute route(
      String name, String operation, Kind target, BiConsumer<SparkSession, Place> action) {
    return new AccessRoute(name, operation, target, action);
  }

  static Dataset<Row> rows(SparkSession spark) {
    return spark.sql("SELECT CAST(id AS BIGINT) AS id, CAST(id AS STRING) AS v FROM range(1, 3)");
  }

  private static void append(Dataset<Row> rows, Place p) {
    try {
      rows.writeTo(p.table()).append();
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  private static void overwrite(Dataset<Row> rows, Place p) {
    try {
      rows.writeTo(p.table()).overwrite(functions.lit(true));
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  private static void createOrReplace(Dataset<Row> rows, Place p) {
    rows.writeTo(p.table()).using("delta").createOrReplace();
  }

  private static void streamToPath(SparkSession spark, Place p) {
    try {
      spark
          .readStream()
          .format("delta")
          .load(p.path())
          .writeStream()
          .format("delta")
          .option("checkpointLocation", p.checkpoints())
          .trigger(org.apache.spark.sql.streaming.Trigger.AvailableNow())
          .start(p.path())
          .awaitTermination();
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  private static void streamToTable(SparkSession spark, Place p) {
    try {
      spark
          .readStream()
          .format("delta")
          .load(p.path())
          .writeStream()
          .format("delta")
          .option("checkpointLocation", p.checkpoints() + "_table")
          .trigger(org.apache.spark.sql.streaming.Trigger.AvailableNow())
          .toTable(p.table())
          .awaitTermination();
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  private static RuntimeException rethrow(Exception e) {
    return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
  }
}
