package lakeops.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import lakeops.exceptions.ValidationException;
import lakeops.sample.FlightsGenerator;
import lakeops.sample.SampleProperties;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Landing folder to bronze: incremental, schema fixed once, malformed records quarantined. */
class IngestionTest extends SharedSpark {

  private static final StructType FLIGHTS = StructType.fromDDL(SampleProperties.FLIGHTS_SCHEMA);

  @Test
  void secondRunAddsNothingAndANewFileAddsExactlyItsRows() {
    String landing = landing("incremental");
    FlightsGenerator.flights(300).seed(1).write(spark(), landing, "parquet", 2);
    Ingestion ingestion =
        Ingestion.from(landing, SourceFormat.PARQUET).into(table("flights_incremental"));

    IngestResult first = ingestion.run(spark());
    assertThat(first.rowsRead()).isEqualTo(300);
    assertThat(rows("flights_incremental")).isEqualTo(300);

    IngestResult second = ingestion.run(spark());
    assertThat(second.batches()).isZero();
    assertThat(rows("flights_incremental")).isEqualTo(300);

    FlightsGenerator.flights(120).seed(2).write(spark(), landing, "parquet", 1);
    IngestResult third = ingestion.run(spark());
    assertThat(third.rowsIngested()).isEqualTo(120);
    assertThat(rows("flights_incremental")).isEqualTo(420);

    Row metadata =
        sql("SELECT count(DISTINCT _source_file), count_if(_ingested_at IS NULL), "
                + "count_if(_source_file NOT LIKE '%%.parquet') FROM dev.bronze.flights_incremental")
            .first();
    assertThat(metadata.getLong(0)).isEqualTo(3);
    assertThat(metadata.getLong(1)).isZero();
    assertThat(metadata.getLong(2)).isZero();
    assertThat(spark().table("dev.bronze.flights_incremental").schema().fieldNames())
        .startsWith("date", "delay", "distance", "origin", "destination");
  }

  @Test
  void malformedCsvRowsAreQuarantinedAndCountsReconcile() {
    assertMalformedRowsQuarantined("csv", SourceFormat.CSV);
  }

  @Test
  void malformedJsonRowsAreQuarantinedAndCountsReconcile() {
    assertMalformedRowsQuarantined("json", SourceFormat.JSON);
  }

  @Test
  void theFirstRunsSchemaIsEnforcedAfterwards() {
    String landing = landing("schema");
    FlightsGenerator.flights(50).write(spark(), landing, "csv", 1);
    Ingestion ingestion = Ingestion.from(landing, SourceFormat.CSV).into(table("flights_schema"));
    ingestion.run(spark());
    assertThat(
            spark()
                .table("dev.bronze.flights_schema")
                .schema()
                .apply("delay")
                .dataType()
                .typeName())
        .isIn("integer", "long");

    assertThatThrownBy(
            () ->
                ingestion.withSchema(StructType.fromDDL("date STRING, delay STRING")).run(spark()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("is enforced");
  }

  private void assertMalformedRowsQuarantined(String format, SourceFormat sourceFormat) {
    String landing = landing("malformed_" + format);
    FlightsGenerator generator = FlightsGenerator.flights(400).seed(3).malformedRows(0.05);
    generator.write(spark(), landing, format, 2);
    long malformed = generator.malformedCount(spark());
    assertThat(malformed).isBetween(5L, 50L);
    String name = "flights_malformed_" + format;

    IngestResult result =
        Ingestion.from(landing, sourceFormat).withSchema(FLIGHTS).into(table(name)).run(spark());

    assertThat(result.rowsRead()).isEqualTo(400);
    assertThat(result.rowsQuarantined()).isEqualTo(malformed);
    assertThat(result.rowsIngested() + result.rowsQuarantined()).isEqualTo(result.rowsRead());
    assertThat(rows(name)).isEqualTo(400 - malformed);
    assertThat(rows(name + "_quarantine")).isEqualTo(malformed);
    Row quarantined =
        sql(
                "SELECT count_if(_raw_record LIKE '%%n/a%%'), count_if(_reason = 'malformed record'),"
                    + " count_if(_source_file IS NULL) FROM dev.bronze.%s_quarantine",
                name)
            .first();
    assertThat(quarantined.getLong(0)).isEqualTo(malformed);
    assertThat(quarantined.getLong(1)).isEqualTo(malformed);
    assertThat(quarantined.getLong(2)).isZero();
    assertThat(
            sql("SELECT count(*) FROM dev.bronze.%s WHERE delay IS NULL", name).first().getLong(0))
        .isZero();
  }

  static TableName table(String name) {
    return new TableName("dev", "bronze", name);
  }

  static long rows(String name) {
    return sql("SELECT count(*) FROM dev.bronze.%s", name).first().getLong(0);
  }

  static String landing(String name) {
    Path folder = home().lakehouseDir().resolve("landing").resolve(name);
    lakeops.testing.TestHome.deleteRecursively(folder);
    return folder.toString();
  }
}
