package lakeops.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import lakeops.mlflow.MlflowModelWriter;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.mlflow.RunPublisher;
import lakeops.mlflow.RunRecord;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.SharedSpark;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small flight-delay models for the serving tests, fitted in-process on generated rows, written as
 * MLflow models and registered in the test JVM's MLflow server; and an HTTP client for the server.
 */
final class ServingFixture extends SharedSpark {

  static final StructType INPUT =
      new StructType()
          .add("flight_time", DataTypes.TimestampType)
          .add("origin", DataTypes.StringType)
          .add("distance_miles", DataTypes.IntegerType)
          .add("temp", DataTypes.DoubleType);

  private static final String[] ORIGINS = {"ORD", "SFO", "JFK", "SEA"};
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private ServingFixture() {}

  static org.apache.spark.sql.SparkSession session() {
    return spark();
  }

  static lakeops.env.LakeOpsHome testHome() {
    return home();
  }

  static ModelRegistry registry() {
    return new ModelRegistry(MlflowRest.of(MlflowTestServer.server().url()));
  }

  /**
   * A pipeline of SQL, imputer, indexer (keep), one-hot encoder, assembler (keep) and logistic
   * regression fitted on 300 generated flights; {@code flipped} learns the opposite label.
   */
  static PipelineModel fit(boolean flipped) {
    Dataset<Row> rows =
        spark()
            .createDataFrame(rows(300, 3, false), INPUT)
            .selectExpr(
                "*",
                "CAST((origin = 'ORD' OR hour(flight_time) >= 17) <> "
                    + flipped
                    + " AS DOUBLE) AS label");
    return new Pipeline().setStages(stages()).fit(rows);
  }

  static PipelineStage[] stages() {
    return new PipelineStage[] {
      new SQLTransformer()
          .setStatement("SELECT *, CAST(hour(flight_time) AS DOUBLE) AS hour_of_day FROM __THIS__"),
      new Imputer().setInputCols(new String[] {"temp"}).setOutputCols(new String[] {"temp_i"}),
      new StringIndexer().setInputCol("origin").setOutputCol("origin_idx").setHandleInvalid("keep"),
      new OneHotEncoder()
          .setInputCol("origin_idx")
          .setOutputCol("origin_vec")
          .setHandleInvalid("keep"),
      new VectorAssembler()
          .setInputCols(new String[] {"hour_of_day", "temp_i", "distance_miles", "origin_vec"})
          .setOutputCol("features")
          .setHandleInvalid("keep"),
      new LogisticRegression().setMaxIter(10)
    };
  }

  /** {@code model} written as an MLflow model (signature from {@link #INPUT}, 10 example rows). */
  static Path write(PipelineModel model) {
    Path dir =
        TestHome.projectDir()
            .resolve("target/serving-models")
            .resolve(UUID.randomUUID().toString());
    MlflowModelWriter.write(model, spark().createDataFrame(rows(10, 4, false), INPUT), dir);
    return dir;
  }

  /** Logs {@code modelDir} as a run's model, registers it as a new version of {@code name}. */
  static ModelVersion register(String name, Path modelDir) {
    RunPublisher.LoggedRun run =
        new RunPublisher(MlflowRest.of(MlflowTestServer.server().url()))
            .publish(
                new RunRecord(
                    "/lakeops/dev/serving-tests",
                    name,
                    System.currentTimeMillis(),
                    System.currentTimeMillis(),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    List.of(),
                    List.of()),
                modelDir,
                null);
    ModelRegistry registry = registry();
    registry.createModel(name, "serving test model");
    return registry.createVersion(name, run.modelUri(), run.runId());
  }

  /** A model directory whose pipeline cannot be loaded (its stages are gone). */
  static Path broken(PipelineModel model) {
    Path dir = write(model);
    TestHome.deleteRecursively(dir.resolve("sparkml/stages"));
    return dir;
  }

  /** Random flights; with {@code odd}, also nulls and an origin the model never saw. */
  static List<Row> rows(int count, long seed, boolean odd) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean strange = odd && random.nextInt(4) == 0;
      String origin =
          strange && random.nextBoolean() ? "BOS" : ORIGINS[random.nextInt(ORIGINS.length)];
      Double temp =
          strange && random.nextBoolean() ? null : Math.round(random.nextDouble() * 300) / 10.0;
      Timestamp time = new Timestamp(1_709_251_200_000L + random.nextInt(40 * 86_400) * 1000L);
      rows.add(RowFactory.create(time, origin, 100 + random.nextInt(2500), temp));
    }
    return rows;
  }

  /** Spark's predictions for {@code rows}, in order. */
  static List<Double> sparkPredictions(PipelineModel model, List<Row> rows) {
    return model
        .transform(spark().createDataFrame(rows, INPUT))
        .select("prediction")
        .as(org.apache.spark.sql.Encoders.DOUBLE())
        .collectAsList();
  }

  /** {@code rows} as {@code {"dataframe_split": …}}, times as naive UTC ISO strings. */
  static String split(List<Row> rows) {
    StringBuilder data = new StringBuilder();
    for (Row row : rows) {
      data.append(data.length() == 0 ? "" : ",").append('[').append(values(row)).append(']');
    }
    return "{\"dataframe_split\": {\"columns\": [\"flight_time\", \"origin\", \"distance_miles\", \"temp\"], "
        + "\"data\": ["
        + data
        + "]}}";
  }

  static String values(Row row) {
    return "\""
        + iso(row.getTimestamp(0))
        + "\", \""
        + row.getString(1)
        + "\", "
        + row.getInt(2)
        + ", "
        + (row.isNullAt(3) ? "null" : row.getDouble(3));
  }

  static String iso(Timestamp time) {
    return time.toInstant().toString().replace("Z", "");
  }

  // HTTP

  static HttpResponse<String> post(String url, String contentType, String body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + "/invocations"))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  static HttpResponse<String> get(String url, String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void deleteQuietly(Path dir) {
    if (dir != null && Files.exists(dir)) {
      TestHome.deleteRecursively(dir);
    }
  }
}
