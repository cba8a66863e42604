package lakeops.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import lakeops.exceptions.SchemaMismatchException;
import lakeops.exceptions.ValidationException;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FeatureStoreTest extends SharedSpark {

  private FeatureStore features;

  @BeforeEach
  void freshSchema() {
    sql("DROP SCHEMA IF EXISTS dev.fs CASCADE");
    sql("CREATE SCHEMA dev.fs");
    sql("DROP TABLE IF EXISTS dev.lakeops.feature_tables");
    sql("DROP TABLE IF EXISTS dev.lakeops.feature_stats");
    features = FeatureStore.of(spark());
  }

  private static Dataset<Row> rows(String query) {
    return spark().sql(query);
  }

  private static List<String> strings(Dataset<Row> data) {
    return data.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  private FeatureTable airportDaily() {
    return features.createTable(
        FeatureTableSpec.builder("dev.fs.airport_daily")
            .primaryKeys("airport")
            .timestampKey("ts")
            .description("delays per origin airport")
            .owner("ml")
            .build(),
        rows("SELECT 'SFO' AS airport, TIMESTAMP'2024-01-01 00:00:00' AS ts, 1.0D AS avg_delay")
            .schema());
  }

  @Test
  void createsClusteredTableWithKeysAndMetadata() {
    FeatureTable table = airportDaily();
    assertThat(table.spec().primaryKeys()).containsExactly("airport");
    assertThat(features.table("dev.fs.airport_daily").spec().timestampKey()).contains("ts");
    assertThat(features.table("dev.fs.airport_daily").spec().description())
        .isEqualTo("delays per origin airport");
    assertThat(features.listTables("dev")).contains("dev.fs.airport_daily");
    Row entry =
        sql("SELECT primary_keys, timestamp_key, description FROM dev.lakeops.feature_tables "
                + "WHERE name = 'dev.fs.airport_daily'")
            .first();
    assertThat(entry.getList(0)).containsExactly("airport");
    assertThat(entry.getString(1)).isEqualTo("ts");
    assertThat(entry.getString(2)).isEqualTo("delays per origin airport");
    assertThat(strings(sql("DESCRIBE DETAIL dev.fs.airport_daily").select("clusteringColumns")))
        .containsExactly("[ArraySeq(airport, ts)]");
    assertThatThrownBy(this::airportDaily).hasMessageContaining("already exists");
  }

  @Test
  void mergeUpsertsOnRowKeysAndRecordsStatistics() {
    airportDaily();
    features.writeTable(
        "dev.fs.airport_daily",
        rows(
            "SELECT * FROM VALUES "
                + "('SFO', TIMESTAMP'2024-01-01 00:00:00', 1.0D), ('SFO', TIMESTAMP'2024-01-02 00:00:00', 2.0D) "
                + "AS v(airport, ts, avg_delay)"),
        WriteMode.MERGE);
    FeatureTable table =
        features.writeTable(
            "dev.fs.airport_daily",
            rows(
                "SELECT * FROM VALUES "
                    + "('SFO', TIMESTAMP'2024-01-02 00:00:00', 5.0D), ('JFK', TIMESTAMP'2024-01-02 00:00:00', NULL) "
                    + "AS v(airport, ts, avg_delay)"),
            WriteMode.MERGE);
    assertThat(
            strings(
                sql(
                    "SELECT airport, CAST(ts AS DATE), avg_delay FROM dev.fs.airport_daily ORDER BY 1, 2")))
        .containsExactly("[JFK,2024-01-02,null]", "[SFO,2024-01-01,1.0]", "[SFO,2024-01-02,5.0]");
    Row stats =
        sql("SELECT count, num_nulls, min, max, mean FROM dev.lakeops.feature_stats "
                + "WHERE table_name = 'dev.fs.airport_daily' AND column_name = 'avg_delay' AND data_version = "
                + table.version())
            .first();
    assertThat(stats.getLong(0)).isEqualTo(2);
    assertThat(stats.getLong(1)).isEqualTo(1);
    assertThat(stats.getString(2)).isEqualTo("5.0");
    assertThat(stats.getDouble(4)).isEqualTo(5.0);
    assertThat(
            sql("SELECT data_version FROM dev.lakeops.feature_tables WHERE name = 'dev.fs.airport_daily'")
                .first()
                .getLong(0))
        .isEqualTo(table.version());
  }

  @Test
  void refusesDuplicateAndNullKeysShowingThem() {
    airportDaily();
    long before = sql("DESCRIBE HISTORY dev.fs.airport_daily").count();
    assertThatThrownBy(
            () ->
                features.writeTable(
                    "dev.fs.airport_daily",
                    rows(
                        "SELECT * FROM VALUES "
                            + "('SFO', TIMESTAMP'2024-01-01 00:00:00', 1.0D), ('SFO', TIMESTAMP'2024-01-01 00:00:00', 2.0D) "
                            + "AS v(airport, ts, avg_delay)"),
                    WriteMode.MERGE))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("duplicate keys [airport, ts]")
        .hasMessageContaining("SFO,2024-01-01 00:00:00.0,2");
    assertThatThrownBy(
            () ->
                features.writeTable(
                    "dev.fs.airport_daily",
                    rows(
                        "SELECT * FROM VALUES "
                            + "(CAST(NULL AS STRING), TIMESTAMP'2024-01-01 00:00:00', 1.0D) AS v(airport, ts, avg_delay)"),
                    WriteMode.MERGE))
        .hasMessageContaining("null in key columns [airport, ts]");
    assertThat(sql("DESCRIBE HISTORY dev.fs.airport_daily").count())
        .as("nothing written")
        .isEqualTo(before);
  }

  @Test
  void addsNewColumnsButRefusesTypeChanges() {
    airportDaily();
    features.writeTable(
        "dev.fs.airport_daily",
        rows(
            "SELECT 'SFO' AS airport, "
                + "TIMESTAMP'2024-01-01 00:00:00' AS ts, 1.0D AS avg_delay, 10L AS flights"),
        WriteMode.MERGE);
    assertThat(sql("SELECT * FROM dev.fs.airport_daily").schema().fieldNames())
        .containsExactly("airport", "ts", "avg_delay", "flights");
    assertThatThrownBy(
            () ->
                features.writeTable(
                    "dev.fs.airport_daily",
                    rows(
                        "SELECT 'SFO' AS airport, "
                            + "TIMESTAMP'2024-01-01 00:00:00' AS ts, 'late' AS avg_delay"),
                    WriteMode.MERGE))
        .isInstanceOf(SchemaMismatchException.class)
        .hasMessageContaining("column avg_delay is double in the table but string in the rows");
  }

  @Test
  void overwriteReplacesEveryRow() {
    airportDaily();
    features.writeTable(
        "dev.fs.airport_daily",
        rows(
            "SELECT 'SFO' AS airport, "
                + "TIMESTAMP'2024-01-01 00:00:00' AS ts, 1.0D AS avg_delay"),
        WriteMode.MERGE);
    features.writeTable(
        "dev.fs.airport_daily",
        rows(
            "SELECT 'JFK' AS airport, "
                + "TIMESTAMP'2024-01-01 00:00:00' AS ts, 3.0D AS avg_delay"),
        WriteMode.OVERWRITE);
    assertThat(strings(sql("SELECT airport FROM dev.fs.airport_daily"))).containsExactly("[JFK]");
  }

  @Test
  void trainingSetTakesLatestRowNoLaterThanTheLabelWithinLookback() {
    airportDaily();
    features.writeTable(
        "dev.fs.airport_daily",
        rows(
            "SELECT * FROM VALUES "
                + "('SFO', TIMESTAMP'2024-01-01 00:00:00', 1.0D), ('SFO', TIMESTAMP'2024-01-05 00:00:00', 5.0D), "
                + "('SFO', TIMESTAMP'2024-01-09 00:00:00', 9.0D), ('JFK', TIMESTAMP'2024-01-01 00:00:00', 7.0D) "
                + "AS v(airport, ts, avg_delay)"),
        WriteMode.MERGE);
    Dataset<Row> labels =
        rows(
            "SELECT * FROM VALUES "
                + "(1, 'SFO', TIMESTAMP'2024-01-04 23:59:59'), (2, 'SFO', TIMESTAMP'2024-01-05 00:00:00'), "
                + "(3, 'SFO', TIMESTAMP'2024-01-05 00:00:00'), (4, 'JFK', TIMESTAMP'2024-01-20 00:00:00'), "
                + "(5, NULL, TIMESTAMP'2024-01-05 00:00:00'), (6, 'SFO', TIMESTAMP'2023-12-31 00:00:00'), "
                + "(7, 'LAX', TIMESTAMP'2024-01-05 00:00:00') AS v(id, origin, dep_time)");
    TrainingSet set =
        features.createTrainingSet(
            labels,
            FeatureLookup.of("dev.fs.airport_daily")
                .on("origin")
                .asOf("dep_time")
                .lookback(Duration.ofDays(7))
                .rename("avg_delay", "origin_delay")
                .defaultValue("avg_delay", -1.0));
    assertThat(set.data().schema().fieldNames())
        .containsExactly("id", "origin", "dep_time", "origin_delay");
    assertThat(strings(set.data().select("id", "origin_delay").orderBy("id")))
        .containsExactly(
            "[1,1.0]", "[2,5.0]", "[3,5.0]", "[4,-1.0]", "[5,-1.0]", "[6,-1.0]", "[7,-1.0]");
    assertThat(set.tableVersions()).containsKey("dev.fs.airport_daily");
  }

  @Test
  void lookupOfATableWithoutTimestampJoinsOnKeys() {
    features.createTable(
        FeatureTableSpec.builder("dev.fs.airports").primaryKeys("code").build(),
        rows("SELECT 'SFO' AS code, 'CA' AS state").schema());
    features.writeTable(
        "dev.fs.airports",
        rows("SELECT * FROM VALUES ('SFO', 'CA'), ('JFK', 'NY') AS v(code, state)"),
        WriteMode.MERGE);
    TrainingSet set =
        features.createTrainingSet(
            rows(
                "SELECT * FROM VALUES (1, 'JFK'), (2, 'SFO'), (3, 'SFO'), (4, 'ZZZ') AS v(id, dest)"),
            FeatureLookup.of("dev.fs.airports").on("dest").rename("state", "dest_state"));
    assertThat(strings(set.data().orderBy("id")))
        .containsExactly("[1,JFK,NY]", "[2,SFO,CA]", "[3,SFO,CA]", "[4,ZZZ,null]");
  }

  @Test
  void clashingFeatureNamesAreRefused() {
    airportDaily();
    assertThatThrownBy(
            () ->
                features.createTrainingSet(
                    rows(
                        "SELECT 'SFO' AS origin, TIMESTAMP'2024-01-01 00:00:00' AS dep_time, 1.0D AS avg_delay"),
                    FeatureLookup.of("dev.fs.airport_daily").on("origin").asOf("dep_time")))
        .hasMessageContaining("the labels already have a column avg_delay");
  }

  @Test
  void tableMetadataIsThatOfTheCurrentSnapshotReadOncePerTrainingSet() {
    airportDaily();
    features.writeTable(
        "dev.fs.airport_daily",
        rows(
            "SELECT * FROM VALUES "
                + "('SFO', TIMESTAMP'2024-01-01 00:00:00', 1.0D), ('JFK', TIMESTAMP'2024-01-02 00:00:00', 2.0D) "
                + "AS v(airport, ts, avg_delay)"),
        WriteMode.MERGE);
    long version =
        io.delta.tables.DeltaTable.forName(spark(), "dev.fs.airport_daily")
            .history(1)
            .first()
            .getLong(0);
    FeatureTable table = features.table("dev.fs.airport_daily");
    assertThat(table.version()).isEqualTo(version);
    assertThat(table.schema().fieldNames()).containsExactly("airport", "ts", "avg_delay");
    assertThat(table.spec().primaryKeys()).containsExactly("airport");
    assertThat(table.spec().description()).isEqualTo("delays per origin airport");
    TrainingSet set =
        features.createTrainingSet(
            rows(
                "SELECT 1 AS id, 'SFO' AS origin, 'JFK' AS dest, TIMESTAMP'2024-01-03 00:00:00' AS dep_time"),
            FeatureLookup.of("dev.fs.airport_daily")
                .on("origin")
                .asOf("dep_time")
                .rename("avg_delay", "origin_delay"),
            FeatureLookup.of("dev.fs.airport_daily")
                .on("dest")
                .asOf("dep_time")
                .rename("avg_delay", "dest_delay"));
    assertThat(set.tableVersions())
        .containsExactly(java.util.Map.entry("dev.fs.airport_daily", version));
    assertThat(strings(set.data())).containsExactly("[1,SFO,JFK,2024-01-03 00:00:00.0,1.0,2.0]");
  }

  @Test
  void keysAreWrittenUnderTheCurrentPropertyNamesAndReadUnderTheEarlierOnes() {
    airportDaily();
    assertThat(
            strings(sql("SHOW TBLPROPERTIES dev.fs.airport_daily").where("key LIKE 'lakeops.%'")))
        .containsExactlyInAnyOrder(
            "[lakeops.features.featureTable,true]",
            "[lakeops.features.primaryKeys,airport]",
            "[lakeops.features.timestampKey,ts]");
    sql(
        "CREATE TABLE dev.fs.earlier (airport STRING, ts TIMESTAMP, v DOUBLE) USING delta "
            + "TBLPROPERTIES ('lakeops.feature.primary_keys' = 'airport', 'lakeops.feature.timestamp_key' = 'ts')");
    FeatureTableSpec earlier = features.table("dev.fs.earlier").spec();
    assertThat(earlier.primaryKeys()).containsExactly("airport");
    assertThat(earlier.timestampKey()).contains("ts");
  }

  @Test
  void unknownAndNonFeatureTablesAreRefused() {
    assertThatThrownBy(() -> features.table("dev.fs.nope"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Cannot find feature table dev.fs.nope");
    assertThatThrownBy(() -> features.table("dev.nope.nope"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Cannot find feature table dev.nope.nope");
    assertThatThrownBy(() -> features.table("no_such_catalog.fs.nope"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Cannot find feature table");
    sql("CREATE TABLE dev.fs.plain (x INT) USING delta");
    assertThatThrownBy(() -> features.table("dev.fs.plain"))
        .hasMessageContaining("is not a feature table");
    assertThatThrownBy(
            () ->
                features.createTrainingSet(
                    rows("SELECT 1 AS x"), FeatureLookup.of("dev.fs.nope").on("x")))
        .hasMessageContaining("Cannot find feature table dev.fs.nope");
  }
}
