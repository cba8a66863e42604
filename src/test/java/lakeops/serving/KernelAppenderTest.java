package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Delta Kernel appends as the inference log makes them, read back by Spark. */
class KernelAppenderTest {

  private static final String TABLE = "dev.serve_test.kernel_append";

  @Test
  void appendsOncePerTransactionVersionAndSparkReadsEveryValue() {
    SparkSession spark = ServingFixture.session();
    spark.sql("CREATE SCHEMA IF NOT EXISTS dev.serve_test");
    spark.sql("DROP TABLE IF EXISTS " + TABLE);
    spark.sql(
        "CREATE TABLE "
            + TABLE
            + " (timestamp TIMESTAMP, id STRING, score DOUBLE, n BIGINT, k INT, day DATE,"
            + " flag BOOLEAN, extra STRING) USING delta"
            + " TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    String location = spark.sql("DESCRIBE DETAIL " + TABLE).first().getAs("location");
    KernelAppender kernel = KernelAppender.of(spark.sessionState().newHadoopConf(), location);
    assertThat(kernel.supportsTable()).isTrue();

    Timestamp time = Timestamp.valueOf("2026-03-01 10:15:30.123456");
    List<String> columns = List.of("timestamp", "id", "score", "n", "k", "day", "flag");
    List<Object[]> rows =
        List.of(
            new Object[] {time, "a", 0.25, 7L, 3, java.sql.Date.valueOf("2026-03-01"), true},
            new Object[] {null, null, null, null, null, null, null});

    assertThat(kernel.append(columns, rows, "app-1", 0)).isTrue();
    assertThat(kernel.append(columns, rows, "app-1", 0))
        .as("a retried transaction version appends nothing")
        .isFalse();
    assertThat(kernel.append(columns, rows.subList(0, 1), "app-1", 1)).isTrue();

    List<Row> read =
        spark.sql("SELECT * FROM " + TABLE + " ORDER BY id NULLS FIRST").collectAsList();
    assertThat(read).hasSize(3);
    assertThat(read.get(0).anyNull()).isTrue();
    Row first = read.get(1);
    assertThat(first.getTimestamp(0)).isEqualTo(time);
    assertThat(first.getString(1)).isEqualTo("a");
    assertThat(first.getDouble(2)).isEqualTo(0.25);
    assertThat(first.getLong(3)).isEqualTo(7L);
    assertThat(first.getInt(4)).isEqualTo(3);
    assertThat(first.getDate(5)).isEqualTo(java.sql.Date.valueOf("2026-03-01"));
    assertThat(first.getBoolean(6)).isTrue();
    assertThat(first.isNullAt(7)).as("a column the rows do not carry").isTrue();
    assertThat(read.get(2)).isEqualTo(first);
    assertThat(
            spark.sql("SELECT count(*) FROM table_changes('" + TABLE + "', 1)").first().getLong(0))
        .as("the change data feed sees the inserts")
        .isEqualTo(3);
  }
}
