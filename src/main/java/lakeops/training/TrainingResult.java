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
public record TrainingResult(
    String registeredModel,
    Path bundleDir,
    ModelBundle.Published published,
    Map<String, Double> metrics,
    double trainingSeconds) {

  /** Copies the metrics. */
  public TrainingResult {
    metrics = Map.copyOf(metrics);
  }

  /** {@code models:/<name>/<version>} of the registered version. */
  public String modelUri() {
    return published == null ? null : "models:/" + registeredModel + "/" + published.version();
  }

  /**
   * Under a job run, passes the registered version and alias to the tasks after this one as task
   * values {@code version} and {@code alias} ({@code {{tasks.train.values.version}}}); does nothing
   * outside a job run or when nothing was published.
   */
  public void publishTaskValues() {
    if (published != null) {
      lakeops.jobs.TaskValues.set("version", Integer.toString(published.version()));
      lakeops.jobs.TaskValues.set("alias", published.alias());
    }
  }

  /**
   * The result in lines as {@code lakeops train} prints them: model, metrics by name, where the
   * model is kept and, when published, its run, version, alias and MLflow UI address.
   */
  public String summary() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format("  model=%s training_seconds=%.1f%n", registeredModel, trainingSeconds));
    metrics.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(m -> text.append(String.format("  %-28s %.4f%n", m.getKey(), m.getValue())));
    text.append(String.format("  kept in %s%n", bundleDir));
    if (published != null) {
      text.append(
          String.format(
              "  run=%s version=%d alias=%s uri=%s%n",
              published.runId(), published.version(), published.alias(), modelUri()));
      text.append(
          String.format(
              "  open %s/#/experiments/%s/runs/%s%n",
              published.trackingUri(), published.experimentId(), published.runId()));
    }
    return text.toString();
  }
}
