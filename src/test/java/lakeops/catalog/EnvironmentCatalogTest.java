package lakeops.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnvironmentCatalogTest extends SharedSpark {

  @BeforeEach
  void freshSchema() {
    sql("DROP SCHEMA IF EXISTS dev.cat CASCADE");
    sql("CREATE SCHEMA dev.cat COMMENT 'catalog tests'");
  }

  private static List<String> rows(String format, Object... args) {
    return sql(format, args).collectAsList().stream()
        .map(Row::toString)
        .collect(Collectors.toList());
  }

  @Test
  void createsTableAtItsFolderUnderTheEnvironmentRoot() {
    sql("CREATE TABLE dev.cat.t (id BIGINT, name STRING)");
    Path folder = home().lakehouseDir().resolve("dev").resolve("cat").resolve("t");
    assertThat(folder.resolve("_delta_log")).isDirectory();
    assertThat(rows("SHOW TABLES IN dev.cat")).anyMatch(r -> r.contains("t"));
    assertThat(spark().catalog().tableExists("dev.cat.t")).isTrue();
    assertThat(spark().sessionState().catalog().listTables("default").isEmpty())
        .as("nothing registered in spark_catalog")
        .isTrue();
  }

  @Test
  void insertSelectMergeUpdateDeleteOnThreePartNames() {
    sql("CREATE TABLE dev.cat.people (id BIGINT, name STRING)");
    sql("INSERT INTO dev.cat.people VALUES (1, 'a'), (2, 'b')");
    sql(
        "MERGE INTO dev.cat.people t USING (SELECT 2L AS id, 'B' AS name UNION ALL SELECT 3L, 'c') s "
            + "ON t.id = s.id WHEN MATCHED THEN UPDATE SET name = s.name "
            + "WHEN NOT MATCHED THEN INSERT *");
    sql("UPDATE dev.cat.people SET name = 'A' WHERE id = 1");
    sql("DELETE FROM dev.cat.people WHERE id = 3");
    assertThat(rows("SELECT * FROM dev.cat.people ORDER BY id")).containsExactly("[1,A]", "[2,B]");
  }

  @Test
  void timeTravelHistoryRestore() {
    sql("CREATE TABLE dev.cat.tt (id INT)");
    sql("INSERT INTO dev.cat.tt VALUES (1)");
    sql("INSERT INTO dev.cat.tt VALUES (2)");
    assertThat(rows("SELECT * FROM dev.cat.tt VERSION AS OF 1")).containsExactly("[1]");
    List<Row> history = sql("DESCRIBE HISTORY dev.cat.tt").collectAsList();
    assertThat(history).hasSize(3);
    assertThat(history.get(0).<String>getAs("operation")).isEqualTo("WRITE");
    sql("RESTORE TABLE dev.cat.tt TO VERSION AS OF 1");
    assertThat(rows("SELECT * FROM dev.cat.tt")).containsExactly("[1]");
    assertThat(sql("DESCRIBE HISTORY dev.cat.tt").first().<String>getAs("operation"))
        .isEqualTo("RESTORE");
  }

  @Test
  void optimizeVacuumAndAlter() {
    sql("CREATE TABLE dev.cat.m (id INT)");
    for (int i = 0; i < 3; i++) {
      sql("INSERT INTO dev.cat.m VALUES (%d)", i);
    }
    Row metrics =
        sql("OPTIMIZE dev.cat.m")
            .selectExpr("metrics.numFilesAdded", "metrics.numFilesRemoved")
            .first();
    assertThat(metrics.getLong(0)).as("files added").isEqualTo(1L);
    assertThat(metrics.getLong(1)).as("files removed").isEqualTo(3L);
    sql("VACUUM dev.cat.m");
    sql("ALTER TABLE dev.cat.m ADD COLUMNS (note STRING)");
    sql("ALTER TABLE dev.cat.m SET TBLPROPERTIES ('lakeops.owner' = 'ml-team')");
    assertThat(sql("SELECT * FROM dev.cat.m").schema().fieldNames()).containsExactly("id", "note");
    assertThat(rows("SHOW TBLPROPERTIES dev.cat.m")).anyMatch(r -> r.contains("ml-team"));
    assertThat(rows("SELECT count(*) FROM dev.cat.m")).containsExactly("[3]");
  }

  @Test
  void ctasAndCreateOrReplaceKeepHistory() {
    sql("CREATE TABLE dev.cat.c AS SELECT id FROM range(5)");
    assertThat(rows("SELECT count(*) FROM dev.cat.c")).containsExactly("[5]");
    sql("CREATE OR REPLACE TABLE dev.cat.c AS SELECT id, id * 2 AS twice FROM range(3)");
    assertThat(rows("SELECT count(*) FROM dev.cat.c")).containsExactly("[3]");
    assertThat(sql("DESCRIBE HISTORY dev.cat.c").count()).isEqualTo(2);
    assertThat(rows("SELECT count(*) FROM dev.cat.c VERSION AS OF 0")).containsExactly("[5]");
  }

  @Test
  void dataFrameAndDeltaTableApis() throws Exception {
    spark().range(4).toDF("id").write().format("delta").saveAsTable("dev.cat.df");
    spark().range(4, 6).toDF("id").writeTo("dev.cat.df").append();
    io.delta.tables.DeltaTable.forName(spark(), "dev.cat.df").delete("id < 2");
    assertThat(spark().table("dev.cat.df").count()).isEqualTo(4);
    spark().range(2).toDF("id").write().mode("overwrite").insertInto("dev.cat.df");
    assertThat(spark().table("dev.cat.df").count()).isEqualTo(2);
  }

  @Test
  void deltaPathIdentifiersWorkWithAnEnvironmentAsDefaultCatalog() {
    sql("CREATE TABLE dev.cat.byname (id INT)");
    String path = home().lakehouseDir().resolve("dev/cat/byname").toString();
    sql("INSERT INTO delta.`%s` VALUES (1), (2)", path);
    assertThat(rows("SELECT count(*) FROM delta.`%s`", path)).containsExactly("[2]");
    assertThat(rows("SELECT count(*) FROM dev.cat.byname")).containsExactly("[2]");
  }

  @Test
  void dropTableRemovesFolderAndName() {
    sql("CREATE TABLE dev.cat.gone (id INT)");
    sql("DROP TABLE dev.cat.gone");
    assertThat(spark().catalog().tableExists("dev.cat.gone")).isFalse();
    assertThat(Files.exists(home().lakehouseDir().resolve("dev/cat/gone"))).isFalse();
    sql("CREATE TABLE dev.cat.gone (other STRING)");
    assertThat(sql("SELECT * FROM dev.cat.gone").schema().fieldNames()).containsExactly("other");
  }

  @Test
  void schemasAreFolders() {
    assertThat(rows("SHOW SCHEMAS IN dev")).contains("[cat]");
    assertThat(rows("DESCRIBE SCHEMA EXTENDED dev.cat")).anyMatch(r -> r.contains("catalog tests"));
    sql("CREATE TABLE dev.cat.x (id INT)");
    assertThatThrownBy(() -> sql("DROP SCHEMA dev.cat")).hasMessageContaining("cat");
    sql("DROP SCHEMA dev.cat CASCADE");
    assertThat(Files.exists(home().lakehouseDir().resolve("dev/cat"))).isFalse();
  }

  @Test
  void refusesOtherFormatsAndMissingSchemas() {
    assertThatThrownBy(() -> sql("CREATE TABLE dev.cat.p (id INT) USING parquet"))
        .hasMessageContaining("stores Delta tables only");
    assertThatThrownBy(() -> sql("CREATE TABLE dev.nowhere.t (id INT)"))
        .hasMessageContaining("nowhere");
  }
}
