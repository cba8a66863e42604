package lakeops.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTableSpec;
import lakeops.features.WriteMode;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.RetryPolicy;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One small flight-delay model for the training tests of the JVM, trained once: 1,200 generated
 * flights over 40 days at four airports (delays depend on the origin and the hour, so the model
 * predicts both classes), two feature tables built with the feature store, a logistic regression
 * tuned over two candidates. Publishing is tried first against a server that is not there (kept as
 * {@link #deadServerError}), then against the test server, as {@code lakeops models relog} would.
 */
public final class FlightDelayFixture extends SharedSpark {

  public static final String SCHEMA = "dev.train_test";
  public static final String MODEL = "flight_delay_test";

  private static TrainingResult trained;
  private static TrainingResult published;
  private static RuntimeException deadServerError;
  private static Environment environment;

  private FlightDelayFixture() {}

  public static synchronized TrainingResult published() {
    if (published == null) {
      environment =
          Environments.load(
                  home(),
                  Map.of("LAKEOPS_MLFLOW_TRACKING_URI", MlflowTestServer.server().url())::get)
              .get("dev");
      createTables();
      ModelTraining training = ModelTraining.of(spark(), home(), environment);
      trained = training.train(writeModelFile());
      try {
        training.publish(
            trained, MlflowRest.of("http://127.0.0.1:5059", RetryPolicy.of(Duration.ofSeconds(2))));
      } catch (RuntimeException e) {
        deadServerError = e;
      }
      published = training.publish(trained, MlflowRest.of(MlflowTestServer.server().url()));
    }
    return published;
  }

  static TrainingResult trainedLocally() {
    published();
    return trained;
  }

  static RuntimeException deadServerError() {
    published();
    return deadServerError;
  }

  public static Environment environment() {
    published();
    return environment;
  }

  static org.apache.spark.sql.SparkSession session() {
    return spark();
  }

  /** Flights and their label; delays are likelier at ORD and in the evening. */
  private static void createTables() {
    sql("CREATE SCHEMA IF NOT EXISTS %s", SCHEMA);
    sql("DROP TABLE IF EXISTS %s.flights", SCHEMA);
    StructType flightSchema =
        new StructType()
            .add("flight_time", DataTypes.TimestampType)
            .add("origin", DataTypes.StringType)
            .add("destination", DataTypes.StringType)
            .add("distance_miles", DataTypes.IntegerType)
            .add("delay_minutes", DataTypes.IntegerType);
    String[] airports = {"ORD", "SFO", "JFK", "SEA"};
    Random random = new Random(7);
    Instant start = Instant.parse("2024-03-01T00:00:00Z");
    List<Row> flights = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      Instant time = start.plusSeconds(random.nextInt(40 * 24 * 3600));
      String origin = airports[random.nextInt(4)];
      String destination =
          airports[(java.util.Arrays.asList(airports).indexOf(origin) + 1 + random.nextInt(3)) % 4];
      int hour = time.atZone(java.time.ZoneOffset.UTC).getHour();
      double risk = (origin.equals("ORD") ? 0.75 : 0.1) + (hour >= 17 ? 0.2 : 0.0);
      int delay = random.nextDouble() < risk ? 20 + random.nextInt(60) : random.nextInt(10);
      flights.add(
          RowFactory.create(
              Timestamp.from(time), origin, destination, 300 + random.nextInt(2000), delay));
    }
    spark()
        .createDataFrame(flights, flightSchema)
        .write()
        .format("delta")
        .saveAsTable(SCHEMA + ".flights");

    FeatureStore store = FeatureStore.of(spark());
    sql("DROP TABLE IF EXISTS %s.origin_stats", SCHEMA);
    sql("DROP TABLE IF EXISTS %s.route_stats", SCHEMA);
    Dataset<Row> origin =
        sql(
            "SELECT origin, CAST(date_add(to_date(flight_time), 1) AS TIMESTAMP) AS feature_time, "
                + "avg(delay_minutes) AS origin_delay_avg_1d, count(*) AS origin_flights_1d "
                + "FROM %s.flights GROUP BY 1, 2",
            SCHEMA);
    store.createTable(
        FeatureTableSpec.builder(SCHEMA + ".origin_stats")
            .primaryKeys("origin")
            .timestampKey("feature_time")
            .description("daily delays per origin")
            .build(),
        origin.schema());
    store.writeTable(SCHEMA + ".origin_stats", origin, WriteMode.OVERWRITE);
    Dataset<Row> route =
        sql(
            "SELECT origin, destination, CAST(date_add(to_date(flight_time), 1) AS TIMESTAMP) "
                + "AS feature_time, avg(delay_minutes) AS route_delay_avg_1d FROM %s.flights GROUP BY 1, 2, 3",
            SCHEMA);
    store.createTable(
        FeatureTableSpec.builder(SCHEMA + ".route_stats")
            .primaryKeys("origin", "destination")
            .timestampKey("feature_time")
            .description("daily delays per route")
            .build(),
        route.schema());
    store.writeTable(SCHEMA + ".route_stats", route, WriteMode.OVERWRITE);
  }

  private static Path writeModelFile() {
    Path file = home().resolve("conf/models/" + MODEL + ".yml");
    String yaml =
        """
        name: %s
        description: test model
        labels:
          table: train_test.flights
          label: CAST(delay_minutes > 15 AS DOUBLE)
          timestamp: flight_time
          columns: [distance_miles]
        features:
          - table: train_test.origin_stats
            lookup_keys: [origin]
            timestamp_lookup_key: flight_time
            lookback: 7d
          - table: train_test.route_stats
            lookup_keys: [origin, destination]
            timestamp_lookup_key: flight_time
            lookback: 7d
            defaults: {route_delay_avg_1d: 0.0}
        split: {validation: 0.2, test: 0.2}
        pipeline:
          - name: calendar
            stage: sql
            params:
              statement: SELECT *, CAST(hour(flight_time) AS DOUBLE) AS hour_of_day, CAST(origin = 'ORD' AS DOUBLE) AS is_ord FROM __THIS__
          - stage: imputer
            params: {input_cols: [origin_delay_avg_1d], output_cols: [origin_delay_1d_i]}
          - stage: vector_assembler
            params: {input_cols: [origin_delay_1d_i, route_delay_avg_1d, hour_of_day, is_ord, distance_miles], output_col: features, handle_invalid: keep}
          - name: lr
            stage: logistic_regression
            params: {max_iter: 20}
        tuning:
          grid:
            lr.reg_param: [0.0, 0.1]
        metrics: [areaUnderROC, accuracy]
        """
            .formatted(MODEL);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
