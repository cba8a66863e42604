package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import lakeops.testing.SharedSpark;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.Binarizer;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.DecisionTreeRegressor;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JVM evaluator against Spark's own transform: pipelines of every supported stage (SQL,
 * imputer, indexer, one-hot, bucketizer, assembler, scaler) and model (logistic and linear
 * regression, trees, forests, boosted trees) fitted on generated rows, then both run on random rows
 * with nulls, NaNs, unseen categories and times of every hour. Every output column of every row
 * must be equal.
 */
class LocalPipelineTest extends SharedSpark {

  static final StructType INPUT =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("ts", DataTypes.TimestampType)
          .add("origin", DataTypes.StringType)
          .add("carrier", DataTypes.StringType)
          .add("distance", DataTypes.IntegerType)
          .add("temp", DataTypes.DoubleType);

  private static final String[] ORIGINS = {"ORD", "SFO", "JFK", "SEA"};
  private static final String[] CARRIERS = {"AA", "UA", "DL"};

  private static Dataset<Row> training;

  @BeforeAll
  static void trainingRows() {
    training = labelled(spark().createDataFrame(rows(400, 11, false), INPUT)).cache();
  }

  /**
   * Keep every invalid value: SQL, imputer, two-column indexer and one-hot, bucketizer, scaler, LR
   * and a tree.
   */
  @Test
  void keepPipelineWithLogisticRegressionAndTreeEqualsSpark() {
    PipelineModel model =
        fit(
            features("keep", "keep", "keep", true, true),
            new LogisticRegression().setMaxIter(10).setRegParam(0.01),
            new DecisionTreeClassifier()
                .setMaxDepth(4)
                .setRawPredictionCol("dt_raw")
                .setProbabilityCol("dt_probability")
                .setPredictionCol("dt_prediction"));
    LocalPipeline local = LocalPipeline.of(model, INPUT, spark());
    assertThat(local.isLocal()).as(String.join("\n", local.plan())).isTrue();
    assertThat(local.plan())
        .first()
        .asString()
        .contains("SQLTransformer: in the JVM (Catalyst expressions)");
    assertEqualToSpark(model, local, rows(300, 5, true));
  }

  /**
   * Skip modes drop rows in both; a stage without a row evaluator runs as Catalyst expressions; a
   * WHERE runs in Spark.
   */
  @Test
  void skipPipelineWithBoostedTreesAndFallbackStagesEqualsSpark() {
    List<PipelineStage> stages =
        new ArrayList<>(
            List.of(
                new SQLTransformer().setStatement("SELECT * FROM __THIS__ WHERE id % 7 <> 3"),
                new Binarizer().setInputCol("temp").setOutputCol("warm").setThreshold(15.0)));
    stages.addAll(List.of(features("skip", "keep", "skip", false, false)));
    stages.add(new GBTClassifier().setMaxIter(5).setMaxDepth(3));
    PipelineModel model =
        new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(training);
    LocalPipeline local = LocalPipeline.of(model, INPUT, spark());
    assertThat(local.plan().get(0)).contains("SQLTransformer: in Spark (its plan has a Filter");
    assertThat(local.plan().get(1)).contains("Binarizer: in the JVM (Catalyst expressions)");
    assertThat(local.isLocal()).isFalse();
    assertEqualToSpark(model, local, rows(300, 6, true));
  }

  /** Error modes: valid rows equal Spark; a row Spark refuses is refused naming the stage. */
  @Test
  void errorPipelineWithMulticlassForestEqualsSparkAndRefusesWhatSparkRefuses() {
    PipelineModel model =
        fit(
            features("error", "error", "error", false, true),
            new RandomForestClassifier().setNumTrees(5).setMaxDepth(4).setLabelCol("label3"));
    LocalPipeline local = LocalPipeline.of(model, INPUT, spark());
    assertThat(local.isLocal()).isTrue();
    assertEqualToSpark(model, local, rows(300, 7, false));

    Row unseen = RowFactory.create(1, new Timestamp(0), "XXX", "AA", 500, 10.0);
    assertThatThrownBy(
            () -> model.transform(spark().createDataFrame(List.of(unseen), INPUT)).collectAsList())
        .hasStackTraceContaining("Unseen label: XXX");
    assertThatThrownBy(() -> local.transform(List.of(unseen)))
        .isInstanceOf(RequestException.class)
        .hasMessageContaining("row 0 cannot be scored: StringIndexerModel")
        .hasMessageContaining("unseen label 'XXX' in column origin");
    Row nan = RowFactory.create(2, new Timestamp(0), "ORD", "AA", 500, Double.NaN);
    assertThatThrownBy(
            () -> model.transform(spark().createDataFrame(List.of(nan), INPUT)).collectAsList())
        .hasStackTraceContaining("NaN");
    assertThatThrownBy(() -> local.transform(List.of(nan))).hasMessageContaining("NaN");
  }

  /** Regressors on the keep features: linear, tree, forest and boosted trees in one pipeline. */
  @Test
  void regressorsEqualSpark() {
    PipelineModel model =
        fit(
            features("keep", "keep", "keep", true, true),
            new LinearRegression().setLabelCol("target").setMaxIter(10).setPredictionCol("linear"),
            new DecisionTreeRegressor()
                .setLabelCol("target")
                .setMaxDepth(4)
                .setPredictionCol("tree"),
            new RandomForestRegressor()
                .setLabelCol("target")
                .setNumTrees(5)
                .setMaxDepth(4)
                .setPredictionCol("forest"),
            new GBTRegressor()
                .setLabelCol("target")
                .setMaxIter(5)
                .setMaxDepth(3)
                .setPredictionCol("boosted"));
    LocalPipeline local = LocalPipeline.of(model, INPUT, spark());
    assertThat(local.isLocal()).isTrue();
    assertEqualToSpark(model, local, rows(300, 8, true));
  }

  @Test
  void localPipelineLaunchesNoSparkJob() throws Exception {
    PipelineModel model =
        fit(features("keep", "keep", "keep", true, true), new LogisticRegression().setMaxIter(5));
    LocalPipeline local = LocalPipeline.of(model, INPUT, spark());
    List<Row> rows = rows(50, 9, true);
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart jobStart) {
            jobs.incrementAndGet();
          }
        };
    spark().sparkContext().addSparkListener(listener);
    try {
      for (Row row : rows) {
        assertThat(local.transform(List.of(row))).hasSize(1);
      }
      assertThat(local.transform(rows)).hasSize(50);
      spark().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark().sparkContext().removeSparkListener(listener);
    }
    assertThat(jobs.get()).isZero();
  }

  // Pipelines

  /**
   * The feature stages, with the given handleInvalid of indexer, one-hot encoder, bucketizer and
   * assembler.
   */
  static PipelineStage[] features(
      String indexer, String encoder, String bucketizer, boolean dropLast, boolean withMean) {
    String assembler = indexer.equals("skip") ? "skip" : indexer.equals("error") ? "error" : "keep";
    List<String> assembled =
        new ArrayList<>(
            List.of(
                "hour",
                "long_haul",
                "temp_i",
                "distance_i",
                "origin_vec",
                "carrier_vec",
                "temp_bucket",
                "temp2",
                "origin_len"));
    return new PipelineStage[] {
      new SQLTransformer()
          .setStatement(
              "SELECT *, CAST(hour(ts) AS DOUBLE) AS hour, "
                  + "CASE WHEN distance > 1000 THEN 1.0 ELSE 0.0 END AS long_haul, "
                  + "coalesce(temp, 0.0) * 2 AS temp2, CAST(length(origin) AS DOUBLE) AS origin_len FROM __THIS__"),
      new Imputer()
          .setInputCols(new String[] {"temp", "distance"})
          .setOutputCols(new String[] {"temp_i", "distance_i"}),
      new StringIndexer()
          .setInputCols(new String[] {"origin", "carrier"})
          .setOutputCols(new String[] {"origin_idx", "carrier_idx"})
          .setHandleInvalid(indexer),
      new OneHotEncoder()
          .setInputCols(new String[] {"origin_idx", "carrier_idx"})
          .setOutputCols(new String[] {"origin_vec", "carrier_vec"})
          .setHandleInvalid(encoder)
          .setDropLast(dropLast),
      new Bucketizer()
          .setInputCol("temp_i")
          .setOutputCol("temp_bucket")
          .setHandleInvalid(bucketizer)
          .setSplits(new double[] {Double.NEGATIVE_INFINITY, 0, 10, 20, Double.POSITIVE_INFINITY}),
      new VectorAssembler()
          .setInputCols(assembled.toArray(String[]::new))
          .setOutputCol("raw")
          .setHandleInvalid(assembler),
      new StandardScaler()
          .setInputCol("raw")
          .setOutputCol("features")
          .setWithMean(withMean)
          .setWithStd(true)
    };
  }

  private static PipelineModel fit(PipelineStage[] features, PipelineStage... models) {
    List<PipelineStage> stages = new ArrayList<>(Arrays.asList(features));
    stages.addAll(List.of(models));
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(training);
  }

  // Rows

  /**
   * Random rows; with {@code invalid}, also nulls, NaNs, unseen categories and far temperatures.
   */
  static List<Row> rows(int count, long seed, boolean invalid) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean odd = invalid && random.nextInt(5) == 0;
      String origin =
          odd && random.nextBoolean()
              ? (random.nextBoolean() ? null : "BOS")
              : ORIGINS[random.nextInt(ORIGINS.length)];
      String carrier =
          odd && random.nextBoolean() ? null : CARRIERS[random.nextInt(CARRIERS.length)];
      Integer distance = odd && random.nextBoolean() ? null : 100 + random.nextInt(2500);
      Double temp = -5 + random.nextDouble() * 35;
      if (odd && random.nextBoolean()) {
        temp =
            random.nextBoolean()
                ? null
                : random.nextBoolean() ? Double.NaN : -60.0 + random.nextInt(200);
      }
      Timestamp ts =
          odd && random.nextInt(4) == 0
              ? null
              : new Timestamp(1_709_251_200_000L + random.nextInt(40 * 86_400) * 1000L);
      rows.add(RowFactory.create(i, ts, origin, carrier, distance, temp));
    }
    return rows;
  }

  /** Labels that depend on the inputs: a binary delay, three classes and a number of minutes. */
  private static Dataset<Row> labelled(Dataset<Row> rows) {
    return rows.selectExpr(
        "*",
        "CAST(origin = 'ORD' OR hour(ts) >= 17 AS DOUBLE) AS label",
        "CAST(pmod(hash(origin, carrier), 3) AS DOUBLE) AS label3",
        "coalesce(distance, 1000) / 100.0 + coalesce(temp, 10) AS target");
  }

  // Comparison

  static void assertEqualToSpark(PipelineModel model, LocalPipeline local, List<Row> rows) {
    Dataset<Row> expected = model.transform(spark().createDataFrame(rows, INPUT));
    Map<Integer, Row> sparkRows = byId(expected.collectAsList(), 0);
    Map<Integer, Row> localRows = byId(local.transform(rows), 0);
    assertThat(localRows.keySet()).as("rows kept").isEqualTo(sparkRows.keySet());
    assertThat(local.outputSchema().fieldNames()).isEqualTo(expected.schema().fieldNames());
    assertThat(sparkRows).isNotEmpty();
    for (Map.Entry<Integer, Row> entry : sparkRows.entrySet()) {
      Row want = entry.getValue();
      Row got = localRows.get(entry.getKey());
      for (int c = 0; c < want.length(); c++) {
        assertThat(comparable(got.get(c)))
            .as("row %s column %s", entry.getKey(), expected.schema().fieldNames()[c])
            .isEqualTo(comparable(want.get(c)));
      }
    }
  }

  private static Map<Integer, Row> byId(List<Row> rows, int idColumn) {
    Map<Integer, Row> map = new HashMap<>();
    rows.forEach(row -> map.put(row.getInt(idColumn), row));
    return map;
  }

  /** Vectors as their values (dense or sparse alike), doubles by bits (NaN equal to NaN). */
  private static Object comparable(Object value) {
    if (value instanceof Vector vector) {
      return Arrays.toString(vector.toArray());
    }
    if (value instanceof Double d) {
      return Double.doubleToLongBits(d);
    }
    return value;
  }
}
