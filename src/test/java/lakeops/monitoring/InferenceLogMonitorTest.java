package lakeops.monitoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import lakeops.testing.SharedSpark;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Inference-log monitors on generated tables with prediction, label, model-version and timestamp
 * columns: model-quality metrics per window and model version equal Spark's evaluators.
 */
class InferenceLogMonitorTest extends SharedSpark {

  private static final StructType LOG =
      new StructType()
          .add("timestamp", DataTypes.TimestampType)
          .add("model_version", DataTypes.StringType)
          .add("origin", DataTypes.StringType)
          .add("prediction", DataTypes.DoubleType)
          .add("label", DataTypes.DoubleType)
          .add("probability", DataTypes.DoubleType);

  static Dataset<Row> inferenceLog(
      org.apache.spark.sql.SparkSession spark, boolean classification, long seed, int days) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Timestamp t =
          new Timestamp(MonitorData.DAY0 + (long) (random.nextDouble() * days * 86_400_000L));
      String model = random.nextBoolean() ? "1" : "2";
      double label;
      double prediction;
      double probability;
      if (classification) {
        label = random.nextDouble() < 0.4 ? 1 : 0;
        double skill = model.equals("2") ? 1.2 : 0.6;
        probability =
            Math.round(1 / (1 + Math.exp(-(skill * (2 * label - 1) + random.nextGaussian()))) * 100)
                / 100.0;
        prediction = probability >= 0.5 ? 1 : 0;
      } else {
        label = 5 + 20 * random.nextDouble();
        prediction = label + random.nextGaussian() * (model.equals("2") ? 1 : 3);
        probability = 0;
      }
      Double maybeLabel = i % 50 == 0 ? null : label;
      rows.add(
          RowFactory.create(
              t, model, random.nextBoolean() ? "SEA" : "SFO", prediction, maybeLabel, probability));
    }
    return spark.createDataFrame(rows, LOG);
  }

  private MonitorSpec monitor(String name, String problemType) throws Exception {
    MonitorData.writeMonitor(
        home().confDir(),
        name,
        """
        name: %s
        table: scratch.%s
        profile_type: inference_log
        timestamp_col: timestamp
        granularities: ["1 day"]
        slicing_exprs: [origin]
        inference_log:
          problem_type: %s
          prediction_col: prediction
          label_col: label
          model_id_col: model_version
          probability_col: probability
        """
            .formatted(name, name, problemType));
    return MonitorSpecs.load(home(), name);
  }

  private Row metrics(String monitor, String columns, String modelId) {
    return sql(
            "SELECT %s FROM dev.monitoring.%s_profile_metrics WHERE column_name = ':table' "
                + "AND slice_key IS NULL AND model_id = '%s' AND window.start = timestamp_millis(%d)",
            columns, monitor, modelId, MonitorData.DAY0)
        .first();
  }

  private Dataset<Row> window(String table, String modelId) {
    return sql(
        "SELECT * FROM dev.scratch.%s WHERE label IS NOT NULL AND timestamp < timestamp_millis(%d)"
            + ("*".equals(modelId) ? "" : " AND model_version = '" + modelId + "'"),
        table,
        MonitorData.DAY0 + 86_400_000L);
  }

  @Test
  void classificationMetricsEqualSparkEvaluators() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.classified");
    inferenceLog(spark(), true, 21, 2)
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.classified");
    MonitorRefresh.of(spark(), "dev", monitor("classified", "classification")).execute();
    for (String model : List.of("*", "2")) {
      Row m =
          metrics(
              "classified",
              "accuracy_score, precision.weighted, recall.weighted, f1_score.weighted, "
                  + "roc_auc_score, log_loss, aggregate(confusion_matrix, 0L, (a, c) -> a + c.count), precision.macro",
              model);
      Dataset<Row> data =
          window("classified", model)
              .select(
                  col("label"),
                  col("prediction"),
                  col("probability"),
                  org.apache
                      .spark
                      .ml
                      .functions
                      .array_to_vector(expr("array(1 - probability, probability)"))
                      .as("probabilities"));
      MulticlassClassificationEvaluator multi =
          new MulticlassClassificationEvaluator()
              .setLabelCol("label")
              .setPredictionCol("prediction")
              .setProbabilityCol("probabilities");
      assertThat(m.getDouble(0))
          .as("accuracy of " + model)
          .isCloseTo(multi.setMetricName("accuracy").evaluate(data), within(1e-9));
      assertThat(m.getDouble(1))
          .isCloseTo(multi.setMetricName("weightedPrecision").evaluate(data), within(1e-9));
      assertThat(m.getDouble(2))
          .isCloseTo(multi.setMetricName("weightedRecall").evaluate(data), within(1e-9));
      assertThat(m.getDouble(3)).isCloseTo(multi.setMetricName("f1").evaluate(data), within(1e-9));
      assertThat(m.getDouble(5))
          .isCloseTo(multi.setMetricName("logLoss").evaluate(data), within(1e-9));
      double auc =
          new BinaryClassificationEvaluator()
              .setLabelCol("label")
              .setRawPredictionCol("probability")
              .setNumBins(0)
              .evaluate(data);
      assertThat(m.getDouble(4)).isCloseTo(auc, within(1e-9));
      assertThat(m.getLong(6)).isEqualTo(data.count());
      double macro =
          (multi.setMetricName("precisionByLabel").setMetricLabel(0).evaluate(data)
                  + multi.setMetricName("precisionByLabel").setMetricLabel(1).evaluate(data))
              / 2;
      assertThat(m.getDouble(7)).isCloseTo(macro, within(1e-9));
    }
    assertThat(metrics("classified", "roc_auc_score", "2").getDouble(0))
        .as("the better model scores better")
        .isGreaterThan(metrics("classified", "roc_auc_score", "1").getDouble(0));
  }

  @Test
  void regressionMetricsEqualSparkEvaluators() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.regressed");
    inferenceLog(spark(), false, 22, 2)
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.regressed");
    MonitorRefresh.of(spark(), "dev", monitor("regressed", "regression")).execute();
    for (String model : List.of("*", "1")) {
      Row m =
          metrics(
              "regressed",
              "mean_absolute_error, mean_squared_error, root_mean_squared_error, "
                  + "r2_score, mean_absolute_percentage_error, accuracy_score",
              model);
      Dataset<Row> data = window("regressed", model);
      RegressionEvaluator evaluator =
          new RegressionEvaluator().setLabelCol("label").setPredictionCol("prediction");
      assertThat(m.getDouble(0))
          .isCloseTo(evaluator.setMetricName("mae").evaluate(data), within(1e-9));
      assertThat(m.getDouble(1))
          .isCloseTo(evaluator.setMetricName("mse").evaluate(data), within(1e-9));
      assertThat(m.getDouble(2))
          .isCloseTo(evaluator.setMetricName("rmse").evaluate(data), within(1e-9));
      assertThat(m.getDouble(3))
          .isCloseTo(evaluator.setMetricName("r2").evaluate(data), within(1e-9));
      double mape = data.selectExpr("avg(abs((label - prediction) / label))").first().getDouble(0);
      assertThat(m.getDouble(4)).isCloseTo(mape, within(1e-9));
      assertThat(m.isNullAt(5)).isTrue();
    }
  }
}
