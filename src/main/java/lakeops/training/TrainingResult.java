package lakeops.training;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a training run produced.
 *
 * @param registeredModel registered model name
 * @param bundleDir local copy of the model and run record
 * @param published where it was logged and registered (null if it was not published)
 * @param metrics {@code <split>_<metric>} values and row counts
 * @param trainingSeconds time of fitting and tuning
 */
public record TrainingResult(String registeredModel, Path bundleDir, ModelBundle.Published published,
    Map<String, Double> metrics, double trainingSeconds) {

  /** Copies the metrics. */
  public TrainingResult {
    metrics = Map.copyOf(metrics);
  }

  /** {@code models:/<name>/<version>} of the registered version. */
  public String modelUri() {
    return published == null ? null : "models:/" + registeredModel + "/" + published.version();
  }
}
