package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTableSpec;
import lakeops.features.ModelFeatureSpec;
import lakeops.features.TrainingSet;
import lakeops.features.WriteMode;
import lakeops.mlflow.MlflowModelWriter;
import lakeops.mlflow.ModelVersion;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Online feature lookup: a model trained from a point-in-time training set (a time-series table
 * with a lookback and a default, and a table without time) is served from keys and times alone, and
 * its predictions equal the batch join plus Spark's transform on the same rows: unseen keys, times
 * before any feature row and past the lookback included. A new feature-table version is picked up.
 */
@ExtendWith(MlflowTestServer.class)
class FeatureLookupServingTest {

  private static final String NAME = "dev.ml.serve_lookup";
  private static final String DAILY = "dev.serve_test.origin_daily";
  private static final String AIRPORTS = "dev.serve_test.airports";
  private static final String[] ORIGINS = {"ORD", "SFO", "JFK", "SEA"};
  private static final long DAY0 = 1_709_251_200_000L;
  private static final StructType REQUEST =
      new StructType()
          .add("flight_time", DataTypes.TimestampType)
          .add("origin", DataTypes.StringType)
          .add("distance_miles", DataTypes.IntegerType);

  @Test
  void keysAndTimesGiveTheBatchJoinsPredictionsAndNewFeatureVersionsArePickedUp() throws Exception {
    SparkSession spark = ServingFixture.session();
    FeatureLookup[] lookups = createFeatureTables(spark);
    Dataset<Row> labels =
        spark
            .createDataFrame(flights(300, 41, 12), REQUEST)
            .selectExpr("*", "CAST(origin = 'ORD' OR hour(flight_time) >= 17 AS DOUBLE) AS label");
    TrainingSet set = FeatureStore.of(spark).createTrainingSet(labels, lookups);
    Dataset<Row> data = set.data().cache();
    PipelineModel model =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new SQLTransformer()
                      .setStatement(
                          "SELECT *, CAST(hour(flight_time) AS DOUBLE) AS hour_of_day FROM __THIS__"),
                  new Imputer()
                      .setInputCols(new String[] {"flights", "hub_score"})
                      .setOutputCols(new String[] {"flights_i", "hub_i"}),
                  new StringIndexer()
                      .setInputCol("origin")
                      .setOutputCol("origin_idx")
                      .setHandleInvalid("keep"),
                  new OneHotEncoder()
                      .setInputCol("origin_idx")
                      .setOutputCol("origin_vec")
                      .setHandleInvalid("keep"),
                  new VectorAssembler()
                      .setInputCols(
                          new String[] {
                            "hour_of_day",
                            "delay_avg",
                            "flights_i",
                            "hub_i",
                            "distance_miles",
                            "origin_vec"
                          })
                      .setOutputCol("features")
                      .setHandleInvalid("keep"),
                  new LogisticRegression().setMaxIter(10)
                })
            .fit(data);
    Path dir = TestHome.projectDir().resolve("target/serving-models/lookup-" + System.nanoTime());
    MlflowModelWriter.write(model, data.drop("label").na().drop().limit(10), dir);
    ModelFeatureSpec.of(set).writeTo(dir);
    data.unpersist();
    ModelVersion version = ServingFixture.register(NAME, dir);

    // Times up to day 16: past the last feature day (9) plus the 3-day lookback; BOS has no
    // features.
    List<Row> requests = flights(30, 42, 16);
    requests.add(RowFactory.create(new Timestamp(DAY0 + 5 * 86_400_000L), "BOS", 800));
    requests.add(RowFactory.create(new Timestamp(DAY0 - 86_400_000L), "ORD", 800));
    try (ModelServer server =
        ModelServer.start(
            spark,
            ServingFixture.registry(),
            ServingSpec.builder(NAME + "/" + version.version())
                .port(0)
                .withoutInferenceLog()
                .build())) {
      assertThat(server.live().local()).isTrue();
      assertThat(server.live().plan())
          .anySatisfy(
              line -> assertThat(line).startsWith("lookup " + DAILY + "@").contains("in memory"));
      assertThat(served(server, requests))
          .isEqualTo(batchPredictions(spark, model, lookups, requests));

      HttpResponse<String> withFeature =
          ServingFixture.post(
              server.url(),
              "application/json",
              "{\"dataframe_records\": [{\"flight_time\": \"2024-03-02T10:00:00\", \"origin\": \"ORD\", "
                  + "\"distance_miles\": 700, \"delay_avg\": 3.0}]}",
              null);
      assertThat(withFeature.statusCode()).isEqualTo(400);
      assertThat(withFeature.body()).contains("unknown column 'delay_avg'");

      // A new version of the daily table: the next check reads it, and the predictions follow it.
      Dataset<Row> update =
          spark.sql(
              "SELECT origin, feature_time, delay_avg + 60 AS delay_avg, flights "
                  + "FROM "
                  + DAILY
                  + " WHERE origin = 'SFO'");
      FeatureStore.of(spark).writeTable(DAILY, update, WriteMode.MERGE);
      server.checkNow();
      assertThat(served(server, requests))
          .isEqualTo(batchPredictions(spark, model, lookups, requests));
    }
  }

  private static FeatureLookup[] createFeatureTables(SparkSession spark) {
    spark.sql("CREATE SCHEMA IF NOT EXISTS dev.serve_test");
    spark.sql("DROP TABLE IF EXISTS " + DAILY);
    spark.sql("DROP TABLE IF EXISTS " + AIRPORTS);
    Random random = new Random(5);
    List<Row> daily = new ArrayList<>();
    for (String origin : ORIGINS) {
      for (int day = 1; day <= 9; day++) {
        if (random.nextInt(5) > 0) {
          daily.add(
              RowFactory.create(
                  origin,
                  new Timestamp(DAY0 + day * 86_400_000L),
                  (origin.equals("ORD") ? 30.0 : 5.0) + random.nextInt(20),
                  random.nextBoolean() ? null : (long) (20 + random.nextInt(80))));
        }
      }
    }
    StructType dailySchema =
        new StructType()
            .add("origin", DataTypes.StringType)
            .add("feature_time", DataTypes.TimestampType)
            .add("delay_avg", DataTypes.DoubleType)
            .add("flights", DataTypes.LongType);
    FeatureStore store = FeatureStore.of(spark);
    store.createTable(
        FeatureTableSpec.builder(DAILY).primaryKeys("origin").timestampKey("feature_time").build(),
        dailySchema);
    store.writeTable(DAILY, spark.createDataFrame(daily, dailySchema), WriteMode.OVERWRITE);
    StructType airportSchema =
        new StructType().add("origin", DataTypes.StringType).add("hub_score", DataTypes.DoubleType);
    store.createTable(
        FeatureTableSpec.builder(AIRPORTS).primaryKeys("origin").build(), airportSchema);
    store.writeTable(
        AIRPORTS,
        spark.createDataFrame(
            List.of(
                RowFactory.create("ORD", 0.9),
                RowFactory.create("SFO", 0.4),
                RowFactory.create("JFK", 0.7)),
            airportSchema),
        WriteMode.OVERWRITE);
    return new FeatureLookup[] {
      FeatureLookup.of(DAILY)
          .on("origin")
          .asOf("flight_time")
          .lookback(Duration.ofDays(3))
          .defaultValue("delay_avg", 0.0),
      FeatureLookup.of(AIRPORTS).on("origin")
    };
  }

  private static List<Row> flights(int count, long seed, int days) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(
          RowFactory.create(
              new Timestamp(DAY0 + random.nextInt(days * 86_400) * 1000L),
              ORIGINS[random.nextInt(ORIGINS.length)],
              100 + random.nextInt(2500)));
    }
    return rows;
  }

  /** Predictions of the server for each request row, sent as one batch. */
  private static List<Double> served(ModelServer server, List<Row> requests) throws Exception {
    StringBuilder records = new StringBuilder();
    for (Row row : requests) {
      records
          .append(records.length() == 0 ? "" : ",")
          .append(
              String.format(
                  "{\"flight_time\": \"%s\", \"origin\": \"%s\", \"distance_miles\": %d}",
                  ServingFixture.iso(row.getTimestamp(0)), row.getString(1), row.getInt(2)));
    }
    HttpResponse<String> response =
        ServingFixture.post(
            server.url(), "application/json", "{\"dataframe_records\": [" + records + "]}", null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ModelServerTest.predictions(response);
  }

  /** Batch scoring: the point-in-time join of the feature store, then Spark's transform. */
  private static List<Double> batchPredictions(
      SparkSession spark, PipelineModel model, FeatureLookup[] lookups, List<Row> requests) {
    List<Row> numbered = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Row row = requests.get(i);
      numbered.add(RowFactory.create(row.get(0), row.get(1), row.get(2), i));
    }
    Dataset<Row> labels = spark.createDataFrame(numbered, REQUEST.add("id", DataTypes.IntegerType));
    Dataset<Row> scored =
        model.transform(FeatureStore.of(spark).createTrainingSet(labels, lookups).data());
    Map<Integer, Double> byId = new HashMap<>();
    scored
        .select("id", "prediction")
        .collectAsList()
        .forEach(r -> byId.put(r.getInt(0), r.getDouble(1)));
    List<Double> predictions = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      predictions.add(byId.get(i));
    }
    return predictions;
  }
}
