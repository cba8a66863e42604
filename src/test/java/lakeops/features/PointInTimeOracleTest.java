package lakeops.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The point-in-time training set equals DuckDB's {@code ASOF LEFT JOIN} on generated data with ties
 * (labels at a feature's exact time), gaps, rows later than every label, unknown and null keys,
 * labels sharing key and time, two tables with different key names, and a lookback window.
 */
class PointInTimeOracleTest extends SharedSpark {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final LocalDateTime START = LocalDateTime.of(2024, 1, 1, 0, 0);
  private static final String[] AIRPORTS = {"SFO", "JFK", "ORD", "ATL", "SEA"};
  private static final String[] CARRIERS = {"AA", "UA"};

  @Test
  void matchesDuckDbAsofJoin() throws Exception {
    Random random = new Random(7);
    List<Row> origin = new ArrayList<>();
    List<Row> route = new ArrayList<>();
    List<Row> labels = new ArrayList<>();
    List<String> originTimes = new ArrayList<>();
    for (String airport : AIRPORTS) {
      Set<Integer> hours = new HashSet<>();
      while (hours.size() < 25) {
        hours.add(random.nextInt(24 * 60));
      }
      for (int hour : hours) {
        String ts = START.plusHours(hour).format(FORMAT);
        originTimes.add(airport + "|" + ts);
        origin.add(
            RowFactory.create(
                airport,
                ts,
                random.nextInt(10) == 0 ? null : random.nextGaussian() * 10,
                random.nextInt(500)));
      }
    }
    for (int routeId = 1; routeId <= 4; routeId++) {
      for (String carrier : CARRIERS) {
        Set<Integer> days = new HashSet<>();
        while (days.size() < 6) {
          days.add(random.nextInt(60));
        }
        for (int day : days) {
          route.add(
              RowFactory.create(
                  routeId,
                  carrier,
                  START.plusDays(day).format(FORMAT),
                  random.nextDouble() * 3000));
        }
      }
    }
    for (int id = 0; id < 400; id++) {
      String airport =
          random.nextInt(20) == 0
              ? null
              : random.nextInt(20) == 0 ? "ZZZ" : AIRPORTS[random.nextInt(AIRPORTS.length)];
      String time =
          random.nextInt(5) == 0
              ? originTimes.get(random.nextInt(originTimes.size())).split("\\|")[1] // a tie
              : START.plusMinutes(random.nextInt(24 * 60 * 65) - 24 * 60).format(FORMAT);
      int copies = random.nextInt(10) == 0 ? 3 : 1; // labels sharing key and time
      for (int c = 0; c < copies; c++) {
        labels.add(
            RowFactory.create(
                id * 10 + c,
                airport,
                time,
                1 + random.nextInt(5),
                CARRIERS[random.nextInt(2)],
                random.nextBoolean()));
      }
    }

    sql("DROP SCHEMA IF EXISTS dev.oracle CASCADE");
    sql("CREATE SCHEMA dev.oracle");
    FeatureStore features = FeatureStore.of(spark());
    Dataset<Row> originRows =
        spark()
            .createDataFrame(
                origin,
                new StructType()
                    .add("airport", DataTypes.StringType)
                    .add("ts", DataTypes.StringType)
                    .add("avg_delay", DataTypes.DoubleType)
                    .add("flights", DataTypes.IntegerType))
            .selectExpr("airport", "to_timestamp(ts) AS ts", "avg_delay", "flights");
    Dataset<Row> routeRows =
        spark()
            .createDataFrame(
                route,
                new StructType()
                    .add("route_id", DataTypes.IntegerType)
                    .add("carrier", DataTypes.StringType)
                    .add("day", DataTypes.StringType)
                    .add("distance", DataTypes.DoubleType))
            .selectExpr("route_id", "carrier", "to_timestamp(day) AS day", "distance");
    features.createTable(
        FeatureTableSpec.builder("dev.oracle.origin")
            .primaryKeys("airport")
            .timestampKey("ts")
            .build(),
        originRows.schema());
    features.writeTable("dev.oracle.origin", originRows, WriteMode.MERGE);
    features.createTable(
        FeatureTableSpec.builder("dev.oracle.route")
            .primaryKeys("route_id", "carrier")
            .timestampKey("day")
            .build(),
        routeRows.schema());
    features.writeTable("dev.oracle.route", routeRows, WriteMode.MERGE);

    Dataset<Row> labelRows =
        spark()
            .createDataFrame(
                labels,
                new StructType()
                    .add("id", DataTypes.IntegerType)
                    .add("origin", DataTypes.StringType)
                    .add("dep_time", DataTypes.StringType)
                    .add("route", DataTypes.IntegerType)
                    .add("carr", DataTypes.StringType)
                    .add("delayed", DataTypes.BooleanType))
            .selectExpr(
                "id", "origin", "to_timestamp(dep_time) AS dep_time", "route", "carr", "delayed");
    TrainingSet set =
        features.createTrainingSet(
            labelRows,
            FeatureLookup.of("dev.oracle.origin")
                .on("origin")
                .asOf("dep_time")
                .lookback(Duration.ofDays(3)),
            FeatureLookup.of("dev.oracle.route").on("route", "carr").asOf("dep_time"));
    List<String> ours =
        set.data()
            .selectExpr(
                "concat_ws('|', id, coalesce(origin, 'NULL'), "
                    + "date_format(dep_time, 'yyyy-MM-dd HH:mm:ss'), route, carr, delayed, "
                    + "coalesce(CAST(avg_delay AS STRING), 'NULL'), coalesce(CAST(flights AS STRING), 'NULL'), "
                    + "coalesce(CAST(distance AS STRING), 'NULL'))")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();

    assertThat(ours).hasSize(labels.size());
    assertThat(ours).containsExactlyInAnyOrderElementsOf(duckDb(origin, route, labels));
  }

  private static List<String> duckDb(List<Row> origin, List<Row> route, List<Row> labels)
      throws Exception {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement()) {
      statement.execute(
          "CREATE TABLE origin (airport VARCHAR, ts TIMESTAMP, avg_delay DOUBLE, flights INTEGER)");
      statement.execute(
          "CREATE TABLE route (route_id INTEGER, carrier VARCHAR, day TIMESTAMP, distance DOUBLE)");
      statement.execute(
          "CREATE TABLE labels (id INTEGER, origin VARCHAR, dep_time TIMESTAMP, route INTEGER, "
              + "carr VARCHAR, delayed BOOLEAN)");
      insert(duck, "INSERT INTO origin VALUES (?, CAST(? AS TIMESTAMP), ?, ?)", origin);
      insert(duck, "INSERT INTO route VALUES (?, ?, CAST(? AS TIMESTAMP), ?)", route);
      insert(duck, "INSERT INTO labels VALUES (?, ?, CAST(? AS TIMESTAMP), ?, ?, ?)", labels);
      ResultSet result =
          statement.executeQuery(
              "WITH o AS (SELECT l.*, CASE WHEN f.ts >= l.dep_time - INTERVAL 3 DAY THEN f.avg_delay END AS avg_delay, "
                  + "  CASE WHEN f.ts >= l.dep_time - INTERVAL 3 DAY THEN f.flights END AS flights "
                  + "  FROM labels l ASOF LEFT JOIN origin f ON l.origin = f.airport AND l.dep_time >= f.ts), "
                  + "r AS (SELECT o.*, f.distance FROM o ASOF LEFT JOIN route f "
                  + "  ON o.route = f.route_id AND o.carr = f.carrier AND o.dep_time >= f.day) "
                  + "SELECT id, coalesce(origin, 'NULL'), strftime(dep_time, '%Y-%m-%d %H:%M:%S'), route, carr, "
                  + "delayed, avg_delay, flights, distance FROM r");
      List<String> rows = new ArrayList<>();
      while (result.next()) {
        rows.add(
            String.join(
                "|",
                result.getString(1),
                result.getString(2),
                result.getString(3),
                result.getString(4),
                result.getString(5),
                result.getBoolean(6) ? "true" : "false",
                number(result, 7),
                integer(result, 8),
                number(result, 9)));
      }
      return rows;
    }
  }

  private static String number(ResultSet result, int column) throws Exception {
    double value = result.getDouble(column);
    return result.wasNull() ? "NULL" : Double.toString(value);
  }

  private static String integer(ResultSet result, int column) throws Exception {
    int value = result.getInt(column);
    return result.wasNull() ? "NULL" : Integer.toString(value);
  }

  private static void insert(Connection duck, String sql, List<Row> rows) throws Exception {
    try (PreparedStatement insert = duck.prepareStatement(sql)) {
      for (Row row : rows) {
        for (int i = 0; i < row.length(); i++) {
          insert.setObject(i + 1, row.get(i));
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
