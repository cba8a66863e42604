package lakeops.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple3;

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
  private static final int BINS = new BinaryClassificationEvaluator().getNumBins();
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

  /**
   * Both areas from one curve, as {@link BinaryClassificationEvaluator} computes each (score: the
   * raw prediction's second element, weight 1, {@value #BINS} bins): the evaluator builds the curve
   * again for every metric, a sort of every row.
   */
  private static Map<String, Double> binaryAreas(Dataset<Row> scored) {
    Column raw = scored.col("rawPrediction");
    Column score =
        scored.schema().apply("rawPrediction").dataType() instanceof VectorUDT
            ? org.apache.spark.ml.functions.vector_to_array(raw, "float64").getItem(1)
            : raw.cast("double");
    JavaRDD<Tuple3<Object, Object, Object>> triples =
        scored
            .select(score, scored.col(TrainingProperties.LABEL_COLUMN).cast("double"))
            .javaRDD()
            .map(r -> new Tuple3<>(r.get(0), r.get(1), 1.0));
    BinaryClassificationMetrics curve = new BinaryClassificationMetrics(triples.rdd(), BINS);
    try {
      return Map.of("areaUnderROC", curve.areaUnderROC(), "areaUnderPR", curve.areaUnderPR());
    } finally {
      curve.unpersist();
    }
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
      Map<String, Double> areas =
          BINARY.stream().anyMatch(metrics::contains) ? binaryAreas(scored) : Map.of();
      for (String metric : metrics) {
        Double area = areas.get(metric);
        values.put(prefix + "_" + metric, area != null ? area : evaluator(metric).evaluate(scored));
      }
    } finally {
      scored.unpersist();
    }
    return values;
  }
}
