package lakeops.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import lakeops.exceptions.InvalidConfigException;
import lakeops.session.SessionFactory;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Feature specs of {@code conf/features} computed from gold (in staging, so the shared dev
 * catalog's gold tables are not touched), idempotent re-runs, as-known-at lookups and range
 * retrieval.
 */
class FeatureEngineeringTest extends SharedSpark {

  private static SparkSession staging;
  private static FeatureStore features;

  @BeforeAll
  static void goldFlights() {
    staging = SessionFactory.newSession(spark(), environments(), "staging");
    features = FeatureStore.of(staging);
    staging.sql("DROP SCHEMA IF EXISTS staging.features CASCADE");
    staging.sql("DROP SCHEMA IF EXISTS staging.gold CASCADE");
    staging.sql("DROP TABLE IF EXISTS staging.lakeops.feature_tables");
    staging.sql("DROP TABLE IF EXISTS staging.lakeops.feature_stats");
    staging.sql("CREATE SCHEMA staging.features");
    staging.sql("CREATE SCHEMA staging.gold");
    // SFO: day 1 two flights (10, 30 min), day 2 none, day 3 one flight (50 min, delayed). LAX: day
    // 1.
    staging.sql(
        "CREATE TABLE staging.gold.flights USING delta AS SELECT CAST(d AS DATE) AS flight_date, "
            + "CAST(t AS TIMESTAMP) AS flight_time, origin, destination, CAST(delay AS INT) AS delay_minutes, "
            + "CAST(500 AS INT) AS distance_miles, delay > 15 AS is_delayed, substr(d, 1, 7) AS flight_month "
            + "FROM VALUES ('2024-01-01', '2024-01-01 08:00:00', 'SFO', 'LAX', 10), "
            + "('2024-01-01', '2024-01-01 20:00:00', 'SFO', 'LAX', 30), "
            + "('2024-01-03', '2024-01-03 09:00:00', 'SFO', 'SEA', 50), "
            + "('2024-01-01', '2024-01-01 07:00:00', 'LAX', 'SFO', 0) AS f(d, t, origin, destination, delay)");
    for (ComputedFeatureTable computed : specs()) {
      features.compute(computed);
    }
  }

  private static List<ComputedFeatureTable> specs() {
    return FeatureSpecs.load(home().confDir().resolve("features"), "staging");
  }

  @Test
  void computesTrailingAirportStatsFromGoldAndRerunsWithoutChanges() {
    assertThat(features.listTables("staging"))
        .contains(
            "staging.features.origin_delay_stats",
            "staging.features.destination_delay_stats",
            "staging.features.route_stats");

    List<Row> sfo =
        staging
            .sql(
                "SELECT CAST(feature_time AS STRING), origin_flights_1d, origin_delay_avg_1d, "
                    + "origin_flights_7d, origin_delay_avg_7d, origin_delayed_share_7d FROM staging.features.origin_delay_stats "
                    + "WHERE origin = 'SFO' ORDER BY feature_time")
            .collectAsList();
    // Each row is available from the end of the day it covers; day 3 trails days 1..3.
    assertThat(sfo).hasSize(2);
    assertThat(sfo.get(0).getString(0)).isEqualTo("2024-01-02 00:00:00");
    assertThat(sfo.get(0).getLong(1)).isEqualTo(2L);
    assertThat(sfo.get(0).getDouble(2)).isEqualTo(20.0);
    assertThat(sfo.get(1).getString(0)).isEqualTo("2024-01-04 00:00:00");
    assertThat(sfo.get(1).getLong(3)).isEqualTo(3L);
    assertThat(sfo.get(1).getDouble(4)).isEqualTo(30.0);
    assertThat(sfo.get(1).getDouble(5))
        .isEqualTo(2.0 / 3.0, org.assertj.core.data.Offset.offset(1e-12));

    long version = features.table("staging.features.origin_delay_stats").version();
    features.compute(specs().get(0));
    Row merge = staging.sql("DESCRIBE HISTORY staging.features.origin_delay_stats").first();
    assertThat(merge.getLong(0)).isEqualTo(version + 1);
    Map<String, String> metrics = merge.getJavaMap(merge.fieldIndex("operationMetrics"));
    assertThat(metrics)
        .containsEntry("numTargetRowsUpdated", "0")
        .containsEntry("numTargetRowsInserted", "0");
  }

  @Test
  void flightFeaturesNeverComeFromTheFlightsOwnDay() {
    TrainingSet set =
        features.createTrainingSet(
            staging.table("staging.gold.flights"),
            FeatureLookup.of("staging.features.origin_delay_stats")
                .on("origin")
                .asOf("flight_time"));
    List<Row> rows =
        set.data()
            .orderBy("flight_time")
            .select("flight_time", "origin", "origin_flights_1d")
            .collectAsList();
    // Only the SFO flight of day 3 has a completed earlier day (day 1: 2 flights).
    assertThat(rows)
        .extracting(r -> r.isNullAt(2) ? null : r.getLong(2))
        .containsExactly(null, null, null, 2L);
  }

  @Test
  void asKnownAtIgnoresValuesWrittenAfterTheLabel() throws Exception {
    String name = "staging.features.backfilled";
    staging.sql("DROP TABLE IF EXISTS " + name);
    features.createTable(
        FeatureTableSpec.builder(name).primaryKeys("k").timestampKey("ts").build(),
        staging.sql("SELECT 1 AS k, TIMESTAMP'2024-01-01 00:00:00' AS ts, 1.0D AS v").schema());
    features.writeTable(
        name,
        staging.sql("SELECT 1 AS k, TIMESTAMP'2024-01-01 00:00:00' AS ts, 1.0D AS v"),
        WriteMode.MERGE);
    Instant firstCommit = commitTime(name);
    Thread.sleep(1500);
    // A correction of the same row, and a backfilled older row: both written later.
    features.writeTable(
        name,
        staging.sql(
            "SELECT 1 AS k, TIMESTAMP'2024-01-01 00:00:00' AS ts, 2.0D AS v "
                + "UNION ALL SELECT 1, TIMESTAMP'2023-12-01 00:00:00', 9.0D"),
        WriteMode.MERGE);
    Instant secondCommit = commitTime(name);
    assertThat(secondCommit).isAfter(firstCommit);

    Instant between =
        firstCommit.plusMillis(
            Math.max(1, (secondCommit.toEpochMilli() - firstCommit.toEpochMilli()) / 2));
    List<Timestamp> times =
        List.of(
            Timestamp.from(firstCommit.minusSeconds(3600)),
            Timestamp.from(between),
            Timestamp.from(secondCommit.plusSeconds(1)));
    var labels =
        staging.createDataFrame(
            times.stream().map(t -> org.apache.spark.sql.RowFactory.create(1, t)).toList(),
            new org.apache.spark.sql.types.StructType().add("k", "int").add("t", "timestamp"));

    List<Row> known =
        features
            .createTrainingSet(labels, FeatureLookup.of(name).on("k").asOf("t").asKnownAt())
            .data()
            .orderBy("t")
            .select("v")
            .collectAsList();
    assertThat(known)
        .extracting(r -> r.isNullAt(0) ? null : r.getDouble(0))
        .containsExactly(null, 1.0, 2.0);

    List<Row> latest =
        features
            .createTrainingSet(labels, FeatureLookup.of(name).on("k").asOf("t"))
            .data()
            .orderBy("t")
            .select("v")
            .collectAsList();
    assertThat(latest).extracting(r -> r.getDouble(0)).containsExactly(2.0, 2.0, 2.0);
  }

  @Test
  void asKnownAtNeedsTheChangeFeed() {
    staging.sql(
        "CREATE OR REPLACE TABLE staging.features.no_feed (k INT, ts TIMESTAMP, v DOUBLE) USING delta "
            + "TBLPROPERTIES ('lakeops.feature.primary_keys' = 'k', 'lakeops.feature.timestamp_key' = 'ts')");
    var labels = staging.sql("SELECT 1 AS k, current_timestamp() AS t");
    assertThatThrownBy(
            () ->
                features.createTrainingSet(
                    labels,
                    FeatureLookup.of("staging.features.no_feed").on("k").asOf("t").asKnownAt()))
        .hasMessageContaining("asKnownAt reads the table's change data feed")
        .hasMessageContaining("ALTER TABLE staging.features.no_feed SET TBLPROPERTIES");
  }

  @Test
  void retrievesARangeWithoutLabels() {
    TrainingSet range =
        features.retrieveRange(
            Instant.parse("2024-01-03T00:00:00Z"),
            Instant.parse("2024-01-31T00:00:00Z"),
            FeatureLookup.of("staging.features.origin_delay_stats")
                .on("airport")
                .asOf("as_of")
                .features("origin_flights_7d"),
            FeatureLookup.of("staging.features.destination_delay_stats")
                .on("airport")
                .asOf("as_of")
                .features("destination_flights_7d"));
    List<Row> rows = range.data().orderBy("airport", "as_of").collectAsList();
    assertThat(rows).extracting(Row::toString).containsExactly("[SFO,2024-01-04 00:00:00.0,3,1]");
  }

  @Test
  void badSpecNamesFileAndKey() throws Exception {
    Path file = home().root().resolve("bad-features.yml");
    Files.writeString(
        file, "tables:\n  - name: just_a_table\n    primary_keys: [k]\n    query: SELECT 1\n");
    assertThatThrownBy(() -> FeatureSpecs.load(file, "staging"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Invalid feature spec file "
                + file
                + ": key 'tables[0].name' must be schema.table, "
                + "e.g. features.origin_delay_stats");
    Files.writeString(file, "tables:\n  - name: features.t\n    primary_key: [k]\n");
    assertThatThrownBy(() -> FeatureSpecs.load(file, "staging"))
        .hasMessageContaining("unknown key 'tables[0].primary_key'");
  }

  private static Instant commitTime(String table) {
    return staging.sql("DESCRIBE HISTORY " + table).first().getTimestamp(1).toInstant();
  }
}
