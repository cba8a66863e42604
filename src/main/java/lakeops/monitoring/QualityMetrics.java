package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import lakeops.monitoring.MonitorSpec.InferenceLog;
import org.apache.spark.sql.Column;

/**
 * Model-quality metrics of one window of an inference log, from sums and sketches the profile scan
 * computes in the same job. Classification: accuracy, precision/recall/F1 (macro: mean over the
 * labels and predictions seen; weighted: by each true label's share, as Spark's and
 * scikit-learn's), ROC AUC and log loss of a binary probability column, confusion matrix.
 * Regression: MAE, MSE, RMSE, R² (1 − SSE/SST), MAPE (mean |y − ŷ|/|y| over y ≠ 0). Null where
 * labels are absent.
 *
 * @param accuracy share of correct predictions
 * @param precisionMacro unweighted mean of per-class precision
 * @param precisionWeighted per-class precision weighted by true-label share
 * @param recallMacro unweighted mean of per-class recall
 * @param recallWeighted per-class recall weighted by true-label share
 * @param f1Macro unweighted mean of per-class F1
 * @param f1Weighted per-class F1 weighted by true-label share
 * @param rocAuc area under the ROC curve (labels 0/1 and a probability column)
 * @param logLoss mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15]
 * @param confusion (prediction, label, count) cells
 * @param meanAbsoluteError MAE
 * @param meanSquaredError MSE
 * @param rootMeanSquaredError RMSE
 * @param r2 coefficient of determination
 * @param meanAbsolutePercentageError MAPE, a fraction
 */
record QualityMetrics(
    Double accuracy,
    Double precisionMacro,
    Double precisionWeighted,
    Double recallMacro,
    Double recallWeighted,
    Double f1Macro,
    Double f1Weighted,
    Double rocAuc,
    Double logLoss,
    List<Cell> confusion,
    Double meanAbsoluteError,
    Double meanSquaredError,
    Double rootMeanSquaredError,
    Double r2,
    Double meanAbsolutePercentageError) {

  private static final String SEPARATOR = "\u0001";

  /** One confusion-matrix cell. */
  public record Cell(String prediction, String label, long count) {}

  /** No quality metrics (no labels, or not an inference log). */
  public static final QualityMetrics NONE =
      new QualityMetrics(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  /** The (prediction, label) pair of a labelled row, as {@link #classification} reads it. */
  static Column pair(InferenceLog log) {
    Column labelled =
        col("`" + log.labelColumn().orElseThrow() + "`")
            .isNotNull()
            .and(col("`" + log.predictionColumn() + "`").isNotNull());
    return when(
        labelled,
        concat(asClass(log.predictionColumn()), lit(SEPARATOR), asClass(log.labelColumn().get())));
  }

  /**
   * A class as a string: numbers as doubles, so labels 1 and predictions 1.0 are the same class.
   */
  private static Column asClass(String column) {
    return expr(
        String.format(
            "coalesce(CAST(try_cast(`%s` AS DOUBLE) AS STRING), CAST(`%s` AS STRING))",
            column, column));
  }

  /**
   * Regression metrics from the sums over labelled rows: {@code n} rows, Σ|e|, Σe², Σy, Σy², and
   * Σ|e|/|y| over the {@code nonZero} rows with y ≠ 0.
   */
  static QualityMetrics regression(
      long n,
      double sumAbsolute,
      double sumSquared,
      double sumY,
      double sumY2,
      double sumPercentage,
      long nonZero) {
    if (n == 0) {
      return NONE;
    }
    double mae = sumAbsolute / n;
    double mse = sumSquared / n;
    double sst = sumY2 - sumY * sumY / n;
    Double mape = nonZero == 0 ? null : sumPercentage / nonZero;
    return new QualityMetrics(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        mae,
        mse,
        Math.sqrt(mse),
        sst == 0 ? null : 1 - sumSquared / sst,
        mape);
  }

  /**
   * Classification metrics from (prediction, label) pair counts and, with a probability column, the
   * score sketches of positive and negative rows and the log-loss sum over {@code scored} rows.
   */
  static QualityMetrics classification(
      Map<String, Long> pairs,
      NumericSketch positives,
      NumericSketch negatives,
      double logLossSum,
      long scored) {
    if (pairs.isEmpty()) {
      return NONE;
    }
    Double auc = positives == null ? null : rocAuc(positives, negatives);
    Double logLoss = positives == null || scored == 0 ? null : logLossSum / scored;
    return classification(pairs, auc, logLoss);
  }

  /** Accuracy, precision, recall, F1 and the confusion matrix from (prediction, label) counts. */
  static QualityMetrics classification(Map<String, Long> pairs, Double auc, Double logLoss) {
    Map<String, Map<String, Long>> matrix = new TreeMap<>();
    TreeSet<String> classes = new TreeSet<>();
    List<Cell> cells = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, Long> e : pairs.entrySet()) {
      String[] parts = e.getKey().split(SEPARATOR, 2);
      matrix.computeIfAbsent(parts[1], k -> new TreeMap<>()).put(parts[0], e.getValue());
      classes.add(parts[0]);
      classes.add(parts[1]);
      cells.add(new Cell(parts[0], parts[1], e.getValue()));
      total += e.getValue();
    }
    cells.sort(
        (a, b) ->
            a.label().equals(b.label())
                ? a.prediction().compareTo(b.prediction())
                : a.label().compareTo(b.label()));
    double correct = 0;
    double[] sums = new double[6];
    for (String c : classes) {
      long tp = matrix.getOrDefault(c, Map.of()).getOrDefault(c, 0L);
      long actual =
          matrix.getOrDefault(c, Map.of()).values().stream().mapToLong(Long::longValue).sum();
      long predicted = matrix.values().stream().mapToLong(m -> m.getOrDefault(c, 0L)).sum();
      double precision = predicted == 0 ? 0 : (double) tp / predicted;
      double recall = actual == 0 ? 0 : (double) tp / actual;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      double weight = actual / total;
      correct += tp;
      sums[0] += precision;
      sums[1] += precision * weight;
      sums[2] += recall;
      sums[3] += recall * weight;
      sums[4] += f1;
      sums[5] += f1 * weight;
    }
    int k = classes.size();
    return new QualityMetrics(
        correct / total,
        sums[0] / k,
        sums[1],
        sums[2] / k,
        sums[3],
        sums[4] / k,
        sums[5],
        auc,
        logLoss,
        cells,
        null,
        null,
        null,
        null,
        null);
  }

  /** P(score of a positive > score of a negative) + ½·P(equal): the area under the ROC curve. */
  static Double rocAuc(NumericSketch positives, NumericSketch negatives) {
    double[] pv = positives.values();
    long[] pc = positives.counts();
    double[] nv = negatives.values();
    long[] nc = negatives.counts();
    double np = positives.total();
    double nn = negatives.total();
    if (np == 0 || nn == 0) {
      return null;
    }
    double area = 0;
    double negativesBelow = 0;
    int j = 0;
    for (int i = 0; i < pv.length; i++) {
      while (j < nv.length && nv[j] < pv[i]) {
        negativesBelow += nc[j++];
      }
      double equal = j < nv.length && nv[j] == pv[i] ? nc[j] : 0;
      area += pc[i] * (negativesBelow + equal / 2);
    }
    return area / (np * nn);
  }
}
