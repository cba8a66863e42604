package lakeops.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.classification.ClassificationModel;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.types.StructType;

/**
 * The MLlib models LakeOps trains (logistic and linear regression, decision trees, random forests,
 * gradient-boosted trees), each row through the model's own per-vector methods in the order its
 * transform uses them: {@code predictRaw}, then {@code raw2probability} and {@code raw2prediction}
 * (protected in Scala, public in bytecode: the very functions transform wraps in UDFs), or {@code
 * predict} for regressors.
 */
final class PredictorStage extends AppendingStage {

  /** Models whose transform adds only the raw prediction, probability and prediction columns. */
  static final Set<String> MODELS =
      Set.of(
          "org.apache.spark.ml.classification.LogisticRegressionModel",
          "org.apache.spark.ml.classification.DecisionTreeClassificationModel",
          "org.apache.spark.ml.classification.RandomForestClassificationModel",
          "org.apache.spark.ml.classification.GBTClassificationModel",
          "org.apache.spark.ml.regression.LinearRegressionModel",
          "org.apache.spark.ml.regression.DecisionTreeRegressionModel",
          "org.apache.spark.ml.regression.RandomForestRegressionModel",
          "org.apache.spark.ml.regression.GBTRegressionModel");

  private final PredictionModel<Vector, ?> model;
  private final int features;
  private final int raw;
  private final int probability;
  private final int prediction;

  @SuppressWarnings("unchecked")
  PredictorStage(PredictionModel<?, ?> model, StructType input) {
    super(model, input);
    if (!MODELS.contains(model.getClass().getName())) {
      throw new UnsupportedStage("not one of the models evaluated row by row");
    }
    if (!nonEmpty(model, "leafCol").isEmpty() || !nonEmpty(model, "varianceCol").isEmpty()) {
      throw new UnsupportedStage("it adds leaf indices or variances");
    }
    if (!inputType(model.getFeaturesCol()).equals(SQLDataTypes.VectorType())) {
      throw new UnsupportedStage("its features are not a vector");
    }
    this.model = (PredictionModel<Vector, ?>) model;
    features = in(model.getFeaturesCol());
    List<String> added = new ArrayList<>();
    for (String param : List.of("rawPredictionCol", "probabilityCol", "predictionCol")) {
      if (!nonEmpty(model, param).isEmpty()) {
        added.add(nonEmpty(model, param));
      }
    }
    addedInOrder(added);
    raw = position(nonEmpty(model, "rawPredictionCol"));
    probability = position(nonEmpty(model, "probabilityCol"));
    prediction = position(nonEmpty(model, "predictionCol"));
  }

  @Override
  public Object[] apply(Object[] row) {
    Vector vector = (Vector) row[features];
    if (vector == null) {
      throw new RowFailure(model.getClass().getSimpleName() + " met a null features vector");
    }
    Object[] result = extend(row);
    if (model instanceof ClassificationModel<?, ?>) {
      classify(vector, result);
    } else if (prediction >= 0) {
      result[prediction] = model.predict(vector);
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private void classify(Vector vector, Object[] result) {
    ClassificationModel<Vector, ?> classifier = (ClassificationModel<Vector, ?>) model;
    ProbabilisticClassificationModel<Vector, ?> probabilistic =
        model instanceof ProbabilisticClassificationModel<?, ?>
            ? (ProbabilisticClassificationModel<Vector, ?>) model
            : null;
    Vector rawPrediction = null;
    Vector probabilities = null;
    if (raw >= 0) {
      rawPrediction = classifier.predictRaw(vector);
      result[raw] = rawPrediction;
    }
    if (probability >= 0 && probabilistic != null) {
      probabilities =
          rawPrediction != null
              ? probabilistic.raw2probability(rawPrediction)
              : probabilistic.predictProbability(vector);
      result[probability] = probabilities;
    }
    if (prediction >= 0) {
      result[prediction] =
          rawPrediction != null
              ? classifier.raw2prediction(rawPrediction)
              : probabilities != null
                  ? probabilistic.probability2prediction(probabilities)
                  : classifier.predict(vector);
    }
  }

  private int position(String column) {
    return column.isEmpty() ? -1 : out(column);
  }

  /** Value of string param {@code name}, empty if the model has no such param or it is empty. */
  @SuppressWarnings("unchecked")
  private static String nonEmpty(PredictionModel<?, ?> model, String name) {
    if (!model.hasParam(name)) {
      return "";
    }
    Param<String> param = (Param<String>) (Param<?>) model.getParam(name);
    return model.isDefined(param) ? model.getOrDefault(param) : "";
  }
}
