package lakeops.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;

/**
 * Builds MLlib pipelines from model config stages: a stage type ({@code vector_assembler}) or class
 * name, and its params in snake_case, each decoded by the MLlib param's own JSON decoder so every
 * type MLlib knows (numbers, strings, arrays) works without a list here.
 */
final class PipelineFactory {

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("sql", "org.apache.spark.ml.feature.SQLTransformer"),
          Map.entry("imputer", "org.apache.spark.ml.feature.Imputer"),
          Map.entry("string_indexer", "org.apache.spark.ml.feature.StringIndexer"),
          Map.entry("one_hot_encoder", "org.apache.spark.ml.feature.OneHotEncoder"),
          Map.entry("vector_assembler", "org.apache.spark.ml.feature.VectorAssembler"),
          Map.entry("standard_scaler", "org.apache.spark.ml.feature.StandardScaler"),
          Map.entry("bucketizer", "org.apache.spark.ml.feature.Bucketizer"),
          Map.entry("logistic_regression", "org.apache.spark.ml.classification.LogisticRegression"),
          Map.entry("gbt_classifier", "org.apache.spark.ml.classification.GBTClassifier"),
          Map.entry(
              "random_forest_classifier",
              "org.apache.spark.ml.classification.RandomForestClassifier"),
          Map.entry(
              "decision_tree_classifier",
              "org.apache.spark.ml.classification.DecisionTreeClassifier"),
          Map.entry("linear_regression", "org.apache.spark.ml.regression.LinearRegression"),
          Map.entry("gbt_regressor", "org.apache.spark.ml.regression.GBTRegressor"),
          Map.entry(
              "random_forest_regressor", "org.apache.spark.ml.regression.RandomForestRegressor"));

  private PipelineFactory() {}

  /** The pipeline of {@code stages}, in order. */
  public static Pipeline pipeline(List<ModelSpec.Stage> stages) {
    List<PipelineStage> built = new ArrayList<>();
    for (ModelSpec.Stage stage : stages) {
      built.add(stage(stage));
    }
    return new Pipeline().setStages(built.toArray(PipelineStage[]::new));
  }

  /** One stage with its params set; fails naming the stage and param. */
  public static PipelineStage stage(ModelSpec.Stage spec) {
    String className = TYPES.getOrDefault(spec.stage(), spec.stage());
    if (!className.contains(".")) {
      throw TrainingErrors.unknownStage(spec.stage(), new java.util.TreeSet<>(TYPES.keySet()));
    }
    PipelineStage stage;
    try {
      stage = (PipelineStage) Class.forName(className).getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw TrainingErrors.cannotCreateStage(spec.stage(), className, e);
    }
    if (spec.params() == null || spec.params().isEmpty()) {
      return stage;
    }
    ParamMap values = new ParamMap();
    for (Map.Entry<String, JsonNode> entry : spec.params().entrySet()) {
      Param<Object> param = param(stage, entry.getKey());
      values.put(param, decode(param, entry.getValue(), spec.stage() + "." + entry.getKey()));
    }
    return (PipelineStage) stage.copy(values);
  }

  /**
   * The param of {@code stage} called {@code snakeOrCamelName} ({@code max_iter} or {@code
   * maxIter}).
   */
  @SuppressWarnings("unchecked")
  static Param<Object> param(Params stage, String snakeOrCamelName) {
    String name = camelCase(snakeOrCamelName);
    if (!stage.hasParam(name)) {
      throw TrainingErrors.unknownParam(
          snakeOrCamelName,
          stage.getClass().getSimpleName(),
          java.util.Arrays.stream(stage.params()).map(Param::name).sorted().toList());
    }
    return (Param<Object>) stage.getParam(name);
  }

  /** Decodes a YAML value with the param's own JSON decoder (ints widened for double params). */
  static Object decode(Param<Object> param, JsonNode value, String where) {
    String json = value.toString();
    if ((param instanceof DoubleParam || param instanceof FloatParam) && value.isIntegralNumber()) {
      json = Double.toString(value.asDouble());
    }
    Object decoded;
    try {
      decoded = param.jsonDecode(json);
    } catch (RuntimeException e) { // MLlib's decoders throw whatever their JSON parsing throws
      throw TrainingErrors.badParamValue(json, where, e.getMessage());
    }
    if (!Boolean.TRUE.equals(param.isValid().apply(decoded))) {
      throw TrainingErrors.badParamValue(json, where, param.doc());
    }
    return decoded;
  }

  static String camelCase(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
