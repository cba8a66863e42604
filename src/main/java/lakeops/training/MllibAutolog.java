package lakeops.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;

/**
 * MLflow's pyspark autologging, for Java: the params of an estimator and of every stage it holds,
 * named as {@code mlflow.pyspark.ml.autolog} names them, so runs logged from Java and from Python
 * compare in the MLflow UI. A pipeline logs {@code stages} (the stage names) and {@code
 * <Stage>.<param>} for every param of every stage, defaults included; a stage's name is its class's
 * simple name, with {@code _1}, {@code _2}… when a class occurs more than once. Values print as
 * Python prints them ({@code ['a', 'b']}, {@code True}).
 */
final class MllibAutolog {

  private MllibAutolog() {}

  /** Stage uid → logged name ({@code VectorAssembler}, {@code StringIndexer_2}). */
  public static Map<String, String> stageNames(Pipeline pipeline) {
    Map<String, Integer> counts = new HashMap<>();
    for (PipelineStage stage : pipeline.getStages()) {
      counts.merge(stage.getClass().getSimpleName(), 1, Integer::sum);
    }
    Map<String, Integer> seen = new HashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (PipelineStage stage : pipeline.getStages()) {
      String simple = stage.getClass().getSimpleName();
      int index = seen.merge(simple, 1, Integer::sum);
      names.put(stage.uid(), counts.get(simple) > 1 ? simple + "_" + index : simple);
    }
    return names;
  }

  /**
   * The params of {@code pipeline} with {@code overrides} applied, named as pyspark autolog does.
   */
  public static Map<String, String> params(Pipeline pipeline, ParamMap overrides) {
    Map<String, String> names = stageNames(pipeline);
    Map<String, String> params = new LinkedHashMap<>();
    List<String> stageNames = new ArrayList<>();
    for (PipelineStage stage : pipeline.getStages()) {
      stageNames.add(names.get(stage.uid()));
    }
    params.put("stages", python(stageNames.toArray(String[]::new)));
    for (PipelineStage stage : pipeline.getStages()) {
      ParamMap effective = stage.extractParamMap().$plus$plus(overridesOf(stage, overrides));
      for (ParamPair<?> pair : scala.jdk.javaapi.CollectionConverters.asJava(effective.toSeq())) {
        params.put(names.get(stage.uid()) + "." + pair.param().name(), python(pair.value()));
      }
    }
    return params;
  }

  /** The entries of {@code overrides} that belong to {@code stage}. */
  private static ParamMap overridesOf(Params stage, ParamMap overrides) {
    ParamMap own = new ParamMap();
    for (ParamPair<?> pair : scala.jdk.javaapi.CollectionConverters.asJava(overrides.toSeq())) {
      if (pair.param().parent().equals(stage.uid())) {
        own.put(pair);
      }
    }
    return own;
  }

  /** {@code <Stage>.<param>} → value of the params in {@code map}, named as in {@link #params}. */
  public static Map<String, String> named(Pipeline pipeline, ParamMap map) {
    Map<String, String> names = stageNames(pipeline);
    Map<String, String> out = new LinkedHashMap<>();
    for (ParamPair<?> pair : scala.jdk.javaapi.CollectionConverters.asJava(map.toSeq())) {
      Param<?> param = pair.param();
      out.put(
          names.getOrDefault(param.parent(), param.parent()) + "." + param.name(),
          python(pair.value()));
    }
    return out;
  }

  /** A value as Python's {@code str()} shows it. */
  static String python(Object value) {
    if (value instanceof String[] strings) {
      List<String> quoted = new ArrayList<>();
      for (String s : strings) {
        quoted.add("'" + s + "'");
      }
      return "[" + String.join(", ", quoted) + "]";
    } else if (value instanceof double[] doubles) {
      return java.util.Arrays.toString(doubles);
    } else if (value instanceof int[] ints) {
      return java.util.Arrays.toString(ints);
    } else if (value instanceof Boolean bool) {
      return bool ? "True" : "False";
    } else if (value instanceof Params params) {
      return params.getClass().getSimpleName();
    }
    return String.valueOf(value);
  }
}
