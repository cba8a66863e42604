package lakeops.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;

/** The candidates of a tuning grid: every combination of the values of {@code <stage>.<param>}. */
final class TuningGrid {

  private TuningGrid() {}

  static ParamMap[] of(
      Pipeline pipeline, List<ModelSpec.Stage> stages, Map<String, List<JsonNode>> grid) {
    PipelineStage[] built = pipeline.getStages();
    List<ParamMap> maps = new ArrayList<>();
    maps.add(new ParamMap());
    for (Map.Entry<String, List<JsonNode>> axis : grid.entrySet()) {
      String key = axis.getKey();
      String stageName = key.substring(0, key.indexOf('.'));
      int index = -1;
      for (int i = 0; i < stages.size(); i++) {
        if (ModelSpecLoader.stageName(stages.get(i)).equals(stageName)) {
          index = i;
        }
      }
      if (index < 0) {
        throw TrainingErrors.noGridStage(key, stageName);
      }
      Param<Object> param =
          PipelineFactory.param(built[index], key.substring(key.indexOf('.') + 1));
      if (axis.getValue() == null || axis.getValue().isEmpty()) {
        throw TrainingErrors.noGridValues(key);
      }
      List<ParamMap> next = new ArrayList<>();
      for (ParamMap map : maps) {
        for (JsonNode value : axis.getValue()) {
          ParamMap copy = map.copy();
          copy.put(param, PipelineFactory.decode(param, value, key));
          next.add(copy);
        }
      }
      maps = next;
    }
    return maps.toArray(ParamMap[]::new);
  }
}
