package lakeops.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The MLlib evaluators behind metric names: binary ({@code areaUnderROC}, {@code areaUnderPR}),
 * multiclass ({@code accuracy}, {@code f1}, {@code weightedPrecision}, {@code weightedRecall},
 * {@code logLoss}) for classification, and {@code rmse}, {@code mse}, {@code mae}, {@code r2} for
 * regression. Every evaluator reads the label column {@value TrainingProperties#LABEL_COLUMN}.
 */
final class Evaluation {

  private static final List<String> BINARY = List.of("areaUnderROC", "areaUnderPR");
  private static final List<String> MULTICLASS =
      List.of("accuracy", "f1", "weightedPrecision", "weightedRecall", "logLoss");
  private static final List<String> REGRESSION = List.of("rmse", "mse", "mae", "r2");
  private static final List<String> EVALUATED_COLUMNS =
      List.of(TrainingProperties.LABEL_COLUMN, "rawPrediction", "probability", "prediction");

  private Evaluation() {}

  /** Metric names of {@code task}. */
  public static List<String> metrics(String task) {
    return task.equals("regression")
        ? REGRESSION
        : java.util.stream.Stream.concat(BINARY.stream(), MULTICLASS.stream()).toList();
  }

  static boolean supports(String task, String metric) {
    return metrics(task).contains(metric);
  }

  /** The columns any evaluator reads, of those {@code predictions} has. */
  private static Dataset<Row> evaluatedColumns(Dataset<Row> predictions) {
    List<String> present = List.of(predictions.columns());
    Column[] kept =
        EVALUATED_COLUMNS.stream()
            .filter(present::contains)
            .map(name -> predictions.col("`" + name + "`"))
            .toArray(Column[]::new);
    return predictions.select(kept);
  }

  /** The evaluator of {@code metric}. */
  public static Evaluator evaluator(String metric) {
    if (BINARY.contains(metric)) {
      return new BinaryClassificationEvaluator()
          .setLabelCol(TrainingProperties.LABEL_COLUMN)
          .setMetricName(metric);
    } else if (MULTICLASS.contains(metric)) {
      return new MulticlassClassificationEvaluator()
          .setLabelCol(TrainingProperties.LABEL_COLUMN)
          .setMetricName(metric);
    }
    return new RegressionEvaluator()
        .setLabelCol(TrainingProperties.LABEL_COLUMN)
        .setMetricName(metric);
  }

  /** {@code <prefix>_<metric>} → value of every metric on {@code predictions}. */
  public static Map<String, Double> evaluate(
      List<String> metrics, Dataset<Row> predictions, String prefix) {
    Map<String, Double> values = new LinkedHashMap<>();
    // Every evaluator is a pass of its own: transform once, not once per metric.
    Dataset<Row> scored = evaluatedColumns(predictions).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      for (String metric : metrics) {
        values.put(prefix + "_" + metric, evaluator(metric).evaluate(scored));
      }
    } finally {
      scored.unpersist();
    }
    return values;
  }
}
