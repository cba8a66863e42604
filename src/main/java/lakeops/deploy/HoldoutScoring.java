package lakeops.deploy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureScoring;
import lakeops.features.ModelFeatureSpec;
import lakeops.training.ModelSpec;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The holdout of a validation and the models' metrics on it: the newest labelled rows of the
 * model's labels table (its model config's {@code labels}), each model's features looked up
 * point-in-time with the lookups it stores, scored, and measured with Spark's evaluators.
 */
final class HoldoutScoring {

  private static final List<String> BINARY = List.of("areaUnderROC", "areaUnderPR");
  private static final List<String> MULTICLASS =
      List.of("accuracy", "f1", "weightedPrecision", "weightedRecall", "logLoss");
  private static final List<String> REGRESSION = List.of("rmse", "mse", "mae", "r2");

  /** Every metric a comparison or a {@code holdout_} threshold may name. */
  static final List<String> METRICS =
      java.util.stream.Stream.of(BINARY, MULTICLASS, REGRESSION).flatMap(List::stream).toList();

  /** Metrics where a smaller value is better. */
  static final Set<String> LOWER_IS_BETTER = Set.of("rmse", "mse", "mae", "logLoss");

  /** Column of the label on the holdout, as training names it. */
  static final String LABEL_COLUMN = "label";

  private final SparkSession spark;
  private final FeatureScoring scoring;

  HoldoutScoring(SparkSession spark, FeatureScoring scoring) {
    this.spark = spark;
    this.scoring = scoring;
  }

  /**
   * The newest {@code rows} labelled rows of {@code spec}'s labels table (in {@code catalog}): the
   * label, its time, the kept columns, and every lookup key and time the models in {@code
   * modelDirs} need.
   */
  Dataset<Row> holdout(ModelSpec spec, String catalog, int rows, List<Path> modelDirs) {
    ModelSpec.Labels labels = spec.labels();
    Set<String> columns = new LinkedHashSet<>();
    for (Path dir : modelDirs) {
      for (FeatureLookup lookup : ModelFeatureSpec.readFrom(dir).lookups()) {
        columns.addAll(lookup.lookupKeys());
        lookup.timestampLookupKey().ifPresent(columns::add);
      }
    }
    columns.add(labels.timestamp());
    if (labels.columns() != null) {
      columns.addAll(labels.columns());
    }
    Dataset<Row> table = spark.table(qualify(labels.table(), catalog));
    if (labels.where() != null && !labels.where().isBlank()) {
      table = table.where(expr(labels.where()));
    }
    List<Column> selected = new ArrayList<>();
    columns.forEach(c -> selected.add(col("`" + c + "`")));
    selected.add(expr(labels.label()).cast("double").as(LABEL_COLUMN));
    return table
        .select(selected.toArray(Column[]::new))
        .where(col(LABEL_COLUMN).isNotNull())
        .orderBy(col("`" + labels.timestamp() + "`").desc())
        .limit(rows);
  }

  /** {@code metric} of the model in {@code modelDir} on {@code holdout}. */
  double evaluate(Path modelDir, Dataset<Row> holdout, String metric) {
    return evaluator(metric).evaluate(scoring.scoreBatch(modelDir, holdout));
  }

  /**
   * Whether {@code challenger} is no worse than {@code champion} by more than {@code tolerance}.
   */
  static boolean noWorse(String metric, double challenger, double champion, double tolerance) {
    return LOWER_IS_BETTER.contains(metric)
        ? challenger <= champion + tolerance
        : challenger >= champion - tolerance;
  }

  /** The comparison as a threshold text: {@code >= 0.7100 (champion 0.7150 - 0.005)}. */
  static String comparisonThreshold(String metric, double champion, double tolerance) {
    return LOWER_IS_BETTER.contains(metric)
        ? String.format("<= %.4f (champion + %s)", champion + tolerance, tolerance)
        : String.format(">= %.4f (champion - %s)", champion - tolerance, tolerance);
  }

  private static Evaluator evaluator(String metric) {
    if (BINARY.contains(metric)) {
      return new BinaryClassificationEvaluator().setLabelCol(LABEL_COLUMN).setMetricName(metric);
    } else if (MULTICLASS.contains(metric)) {
      return new MulticlassClassificationEvaluator()
          .setLabelCol(LABEL_COLUMN)
          .setMetricName(metric);
    }
    return new RegressionEvaluator().setLabelCol(LABEL_COLUMN).setMetricName(metric);
  }

  /** {@code table} in {@code catalog} when it has two parts; three-part names as they are. */
  static String qualify(String table, String catalog) {
    return table.split("\\.").length == 2 ? catalog + "." + table : table;
  }
}
