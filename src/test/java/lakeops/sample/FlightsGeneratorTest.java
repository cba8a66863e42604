package lakeops.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import lakeops.exceptions.ValidationException;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The synthetic flights: the real data's shape, seedable, drift and bad rows on demand. */
class FlightsGeneratorTest extends SharedSpark {

  @Test
  void sameSeedSameRowsInTheRealDataSetsShape() {
    Dataset<Row> flights = FlightsGenerator.flights(2000).seed(5).generate(spark());
    assertThat(namesAndTypes(flights.schema()))
        .isEqualTo(namesAndTypes(StructType.fromDDL(SampleProperties.FLIGHTS_SCHEMA)));
    assertThat(flights.count()).isEqualTo(2000);
    assertThat(flights.exceptAll(FlightsGenerator.flights(2000).seed(5).generate(spark())).count())
        .isZero();
    assertThat(flights.exceptAll(FlightsGenerator.flights(2000).seed(6).generate(spark())).count())
        .isGreaterThan(1900);
    Row clean =
        flights
            .selectExpr(
                "count_if(delay IS NULL)",
                "count_if(distance <= 0)",
                "count_if(origin NOT RLIKE '^[A-Z]{3}$')",
                "count_if(origin = destination)",
                "min(date) >= TIMESTAMP_NTZ '2001-01-01 00:00:00'")
            .first();
    assertThat(clean.getLong(0) + clean.getLong(1) + clean.getLong(2) + clean.getLong(3)).isZero();
    assertThat(clean.getBoolean(4)).isTrue();
  }

  @Test
  void driftShiftsTheMeanChangesTheMixAndAddsNulls() {
    FlightsGenerator base = FlightsGenerator.flights(4000).seed(9);
    Row before = stats(base);
    Row after = stats(base.shiftDelay(30).originSkew(6).nullDelays(0.1).invalidRows(0.05));
    assertThat(after.getDouble(0) - before.getDouble(0)).isBetween(28.0, 32.0);
    assertThat(after.getDouble(1)).isGreaterThan(before.getDouble(1) + 0.1);
    assertThat(after.getDouble(2)).isBetween(0.08, 0.12);
    assertThat(before.getDouble(2)).isZero();
    assertThat(after.getLong(3)).isPositive();
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> FlightsGenerator.flights(10).nullDelays(1.5))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> FlightsGenerator.flights(10).write(spark(), "/tmp/x", "avro", 1))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("expected parquet, csv or json");
  }

  private static java.util.List<String> namesAndTypes(StructType schema) {
    return java.util.Arrays.stream(schema.fields())
        .map(f -> f.name() + " " + f.dataType().sql())
        .toList();
  }

  private Row stats(FlightsGenerator generator) {
    return generator
        .generate(spark())
        .selectExpr(
            "avg(delay)",
            "avg(CAST(origin = 'ATL' AS DOUBLE))",
            "avg(CAST(delay IS NULL AS DOUBLE))",
            "count_if(distance <= 0 OR origin = 'X1')")
        .first();
  }
}
