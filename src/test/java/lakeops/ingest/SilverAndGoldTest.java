package lakeops.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import lakeops.sample.FlightsGenerator;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Bronze to silver under expectations (warn, drop, fail), metrics, and gold. */
class SilverAndGoldTest extends SharedSpark {

  @Test
  void dropRulesQuarantineWarnRulesCountAndMetricsReconcile() {
    TableName bronze = bronzeWithBadRows("flights_drop", 400);
    long nullDelays = count("SELECT count(*) FROM %s WHERE delay IS NULL", bronze);
    long negative = count("SELECT count(*) FROM %s WHERE distance <= 0", bronze);
    long badOrigin = count("SELECT count(*) FROM %s WHERE origin = 'X1'", bronze);
    long hubs = count("SELECT count(*) FROM %s WHERE origin = 'ATL'", bronze);
    assertThat(nullDelays).isPositive();
    assertThat(negative).isPositive();
    assertThat(badOrigin).isPositive();
    TableName silver = new TableName("dev", "silver", "flights_drop");
    SilverSpec spec =
        SilverSpec.load(home(), "silver.flights")
            .withExpectations(
                List.of(
                    Expectation.drop("delay_present", "delay_minutes IS NOT NULL"),
                    Expectation.drop("distance_positive", "distance_miles > 0"),
                    Expectation.drop("origin_is_airport_code", "origin RLIKE '^[A-Z]{3}$'"),
                    Expectation.warn("not_from_atlanta", "origin <> 'ATL'")));
    spec = new SilverSpec("bronze.flights_drop", spec.columns(), spec.expectations());

    SilverResult result = SilverRefinement.of(spec).into(silver).run(spark());

    assertThat(result.rowsRead()).isEqualTo(400);
    assertThat(result.failuresByRule())
        .containsEntry("delay_present", nullDelays)
        .containsEntry("distance_positive", negative)
        .containsEntry("origin_is_airport_code", badOrigin)
        .containsEntry("not_from_atlanta", hubs);
    long quarantined =
        count(
            "SELECT count(*) FROM %s WHERE delay IS NULL OR distance <= 0 " + "OR origin = 'X1'",
            bronze);
    assertThat(result.rowsQuarantined()).isEqualTo(quarantined);
    assertThat(result.rowsPassed() + result.rowsQuarantined()).isEqualTo(result.rowsRead());
    assertThat(count("SELECT count(*) FROM %s", silver)).isEqualTo(400 - quarantined);
    assertThat(count("SELECT count(*) FROM %s WHERE origin = 'ATL'", silver)).isPositive();
    assertThat(
            count(
                "SELECT count(*) FROM %s_quarantine WHERE array_contains(_failed_rules, "
                    + "'distance_positive')",
                silver))
        .isEqualTo(negative);
    assertThat(count("SELECT count(*) FROM %s_quarantine WHERE size(_failed_rules) = 0", silver))
        .isZero();

    Row metrics =
        sql(
                "SELECT max(rows_read), max(rows_passed), max(rows_quarantined), "
                    + "sum(CASE WHEN rule = 'not_from_atlanta' THEN rows_failed END), "
                    + "max(CASE WHEN rule = 'not_from_atlanta' THEN action END) "
                    + "FROM dev.monitoring.dq_metrics WHERE table_name = '%s'",
                silver)
            .first();
    assertThat(metrics.getLong(0)).isEqualTo(400);
    assertThat(metrics.getLong(1)).isEqualTo(400 - quarantined);
    assertThat(metrics.getLong(2)).isEqualTo(quarantined);
    assertThat(metrics.getLong(3)).isEqualTo(hubs);
    assertThat(metrics.getString(4)).isEqualTo("warn");

    SilverResult again = SilverRefinement.of(spec).into(silver).run(spark());
    assertThat(again.batches()).isZero();
    assertThat(count("SELECT count(*) FROM %s", silver)).isEqualTo(400 - quarantined);
  }

  @Test
  void aFailRuleRefusesTheBatchAndWritesNothing() {
    TableName bronze = bronzeWithBadRows("flights_fail", 200);
    TableName silver = new TableName("dev", "silver", "flights_fail");
    SilverSpec spec =
        new SilverSpec(
            "bronze.flights_fail",
            SilverSpec.load(home(), "silver.flights").columns(),
            List.of(Expectation.fail("distance_positive", "distance_miles > 0")));

    assertThatThrownBy(() -> SilverRefinement.of(spec).into(silver).run(spark()))
        .isInstanceOf(ExpectationFailedException.class)
        .hasMessageContaining("distance_positive (distance_miles > 0) failed on")
        .hasMessageContaining("nothing written");
    assertThat(silver.exists(spark())).isFalse();
    assertThat(
            count(
                "SELECT count(*) FROM dev.monitoring.dq_metrics WHERE table_name = '%s' "
                    + "AND rows_failed > 0 AND action = 'fail'",
                silver))
        .isPositive();
    assertThat(bronze.exists(spark())).isTrue();
  }

  @Test
  void goldIsBuiltFromSilverAndARerunChangesNothing() {
    bronzeWithBadRows("flights_gold", 300);
    TableName silver = new TableName("dev", "silver", "flights_gold");
    SilverSpec configured = SilverSpec.load(home(), "silver.flights");
    SilverSpec spec =
        new SilverSpec("bronze.flights_gold", configured.columns(), configured.expectations());
    SilverResult refined = SilverRefinement.of(spec).into(silver).run(spark());
    GoldBuild build =
        GoldBuild.from(silver)
            .into(
                new TableName("dev", "gold", "flights_gold"),
                new TableName("dev", "gold", "airport_daily_gold"));

    GoldResult first = build.run(spark());
    assertThat(first.rebuilt()).isTrue();
    assertThat(first.flightRows()).isEqualTo(refined.rowsPassed());
    assertThat(count("SELECT sum(flights) FROM %s", build.airportDaily()))
        .isEqualTo(refined.rowsPassed());
    assertThat(spark().table(build.flights().toString()).schema().fieldNames())
        .contains("flight_date", "origin", "delay_minutes", "is_delayed", "flight_month");
    assertThat(
            sql("DESCRIBE DETAIL %s", build.flights())
                .first()
                .<Object>getAs("partitionColumns")
                .toString())
        .contains("flight_month");
    long version = DeltaWrites.version(spark(), build.flights());

    GoldResult second = build.run(spark());
    assertThat(second.rebuilt()).isFalse();
    assertThat(DeltaWrites.version(spark(), build.flights())).isEqualTo(version);
    assertThat(second.flightRows()).isEqualTo(first.flightRows());
  }

  @Test
  void expectationFilesAreReadStrictly() throws Exception {
    java.nio.file.Path dir = home().confDir().resolve("expectations");
    java.nio.file.Files.writeString(
        dir.resolve("silver.broken.yml"),
        "source: bronze.x\ncolumns:\n  a: b\nexpectations:\n  - name: r\n    rule: a > 0\n    action: skip\n");
    assertThatThrownBy(() -> SilverSpec.load(home(), "silver.broken"))
        .hasMessageContaining("silver.broken.yml")
        .hasMessageContaining("expectations[0]")
        .hasMessageContaining("expected warn, drop or fail");
    java.nio.file.Files.writeString(
        dir.resolve("silver.typo.yml"), "source: bronze.x\ncolums:\n  a: b\n");
    assertThatThrownBy(() -> SilverSpec.load(home(), "silver.typo"))
        .hasMessageContaining("unknown key 'colums'");
    assertThat(SilverSpec.load(home(), "silver.flights").expectations())
        .extracting(Expectation::action)
        .contains(Expectation.Action.DROP, Expectation.Action.WARN);
  }

  private static TableName bronzeWithBadRows(String name, long rows) {
    String landing = IngestionTest.landing(name);
    FlightsGenerator.flights(rows)
        .seed(11)
        .nullDelays(0.05)
        .invalidRows(0.1)
        .write(spark(), landing, "parquet", 1);
    TableName bronze = new TableName("dev", "bronze", name);
    Ingestion.from(landing, SourceFormat.PARQUET).into(bronze).run(spark());
    return bronze;
  }

  private static long count(String format, Object table) {
    Row row = sql(format, table).first();
    return row.isNullAt(0) ? 0 : row.getLong(0);
  }
}
