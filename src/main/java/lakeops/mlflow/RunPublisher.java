package lakeops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Logs a {@link RunRecord} to a tracking server over REST: experiment (created if missing), run,
 * params / metrics / tags in batches, input datasets ({@code runs/log-inputs}), child runs, the
 * model directory under {@code model/} and other artifacts, then marks the run FINISHED. Every call
 * retries a down or slow server (see {@link RetryPolicy}); if the server never comes back, the run
 * fails with {@link MlflowRestException} and nothing local is lost.
 */
public final class RunPublisher {

  private final MlflowRest rest;

  /** Logs to {@code rest}'s server. */
  public RunPublisher(MlflowRest rest) {
    this.rest = rest;
  }

  /** Where a run was logged. */
  public record LoggedRun(String experimentId, String runId, String artifactUri) {

    /** Artifact URI of the run's model ({@code <artifact_uri>/model}). */
    public String modelUri() {
      return artifactUri + "/" + MlflowProperties.MODEL_ARTIFACT_PATH;
    }
  }

  /**
   * Logs {@code record}; uploads {@code modelDir} (an MLflow model, may be null) as {@code model/}
   * and the files of {@code artifactsDir} (may be null) at the artifact root.
   */
  public LoggedRun publish(RunRecord record, Path modelDir, Path artifactsDir) {
    String experimentId = experimentId(record.experimentName());
    LoggedRun run = createRun(experimentId, record, null);
    logData(run.runId(), record);
    logInputs(run.runId(), record.datasets());
    for (RunRecord child : record.children()) {
      LoggedRun childRun = createRun(experimentId, child, run.runId());
      logData(childRun.runId(), child);
      finish(childRun.runId(), child.endTimeMillis());
    }
    ArtifactStore artifacts = new ArtifactStore(rest);
    if (modelDir != null) {
      MlflowModelWriter.setRunId(modelDir, run.runId());
      artifacts.uploadDirectory(modelDir, run.modelUri());
    }
    if (artifactsDir != null && Files.isDirectory(artifactsDir)) {
      artifacts.uploadDirectory(artifactsDir, run.artifactUri());
    }
    finish(run.runId(), record.endTimeMillis());
    return run;
  }

  /** The id of experiment {@code name}, created if missing; safe against a concurrent creation. */
  public String experimentId(String name) {
    try {
      return rest.get("experiments/get-by-name", Map.of("experiment_name", name))
          .path("experiment")
          .path("experiment_id")
          .asText();
    } catch (MlflowRestException e) {
      if (!e.is("RESOURCE_DOES_NOT_EXIST")) {
        throw e;
      }
    }
    try {
      return rest.post("experiments/create", MlflowRest.object().put("name", name))
          .path("experiment_id")
          .asText();
    } catch (MlflowRestException e) {
      if (e.is("RESOURCE_ALREADY_EXISTS")) {
        return rest.get("experiments/get-by-name", Map.of("experiment_name", name))
            .path("experiment")
            .path("experiment_id")
            .asText();
      }
      throw e;
    }
  }

  private LoggedRun createRun(String experimentId, RunRecord record, String parentRunId) {
    ObjectNode body =
        MlflowRest.object()
            .put("experiment_id", experimentId)
            .put("start_time", record.startTimeMillis())
            .put("run_name", record.runName());
    ArrayNode tags = body.putArray("tags");
    tags.addObject().put("key", "mlflow.runName").put("value", record.runName());
    if (parentRunId != null) {
      tags.addObject().put("key", "mlflow.parentRunId").put("value", parentRunId);
    }
    JsonNode info = rest.post("runs/create", body).path("run").path("info");
    return new LoggedRun(
        experimentId, info.path("run_id").asText(), info.path("artifact_uri").asText());
  }

  private void logData(String runId, RunRecord record) {
    List<Map.Entry<String, String>> params = new ArrayList<>(record.params().entrySet());
    params.sort(Map.Entry.comparingByKey());
    for (int i = 0; i < params.size(); i += MlflowProperties.MAX_PARAMS_PER_BATCH) {
      ObjectNode body = MlflowRest.object().put("run_id", runId);
      ArrayNode array = body.putArray("params");
      for (Map.Entry<String, String> p :
          params.subList(i, Math.min(params.size(), i + MlflowProperties.MAX_PARAMS_PER_BATCH))) {
        array.addObject().put("key", p.getKey()).put("value", cut(p.getValue()));
      }
      rest.post("runs/log-batch", body);
    }
    List<Map.Entry<String, String>> tags = new ArrayList<>(record.tags().entrySet());
    for (int i = 0; i < tags.size(); i += MlflowProperties.MAX_PARAMS_PER_BATCH) {
      ObjectNode body = MlflowRest.object().put("run_id", runId);
      ArrayNode array = body.putArray("tags");
      for (Map.Entry<String, String> t :
          tags.subList(i, Math.min(tags.size(), i + MlflowProperties.MAX_PARAMS_PER_BATCH))) {
        array.addObject().put("key", t.getKey()).put("value", t.getValue());
      }
      rest.post("runs/log-batch", body);
    }
    List<Map.Entry<String, Double>> metrics = new ArrayList<>(record.metrics().entrySet());
    for (int i = 0; i < metrics.size(); i += MlflowProperties.MAX_METRICS_PER_BATCH) {
      ObjectNode body = MlflowRest.object().put("run_id", runId);
      ArrayNode array = body.putArray("metrics");
      for (Map.Entry<String, Double> m :
          metrics.subList(
              i, Math.min(metrics.size(), i + MlflowProperties.MAX_METRICS_PER_BATCH))) {
        if (m.getValue() == null || m.getValue().isNaN()) {
          continue;
        }
        array
            .addObject()
            .put("key", m.getKey())
            .put("value", m.getValue())
            .put("timestamp", record.endTimeMillis())
            .put("step", 0);
      }
      rest.post("runs/log-batch", body);
    }
  }

  private void logInputs(String runId, List<RunRecord.DatasetInput> datasets) {
    if (datasets.isEmpty()) {
      return;
    }
    ObjectNode body = MlflowRest.object().put("run_id", runId);
    ArrayNode array = body.putArray("datasets");
    for (RunRecord.DatasetInput input : datasets) {
      ObjectNode entry = array.addObject();
      entry
          .putArray("tags")
          .addObject()
          .put("key", "mlflow.data.context")
          .put("value", input.context());
      ObjectNode dataset = entry.putObject("dataset");
      dataset
          .put("name", input.name())
          .put("digest", input.digest())
          .put("source_type", input.sourceType())
          .put("source", input.source());
      if (input.schema() != null) {
        dataset.put("schema", input.schema());
      }
      if (input.profile() != null) {
        dataset.put("profile", input.profile());
      }
    }
    rest.post("runs/log-inputs", body);
  }

  private void finish(String runId, long endTimeMillis) {
    rest.post(
        "runs/update",
        MlflowRest.object()
            .put("run_id", runId)
            .put("status", "FINISHED")
            .put("end_time", endTimeMillis));
  }

  private static String cut(String value) {
    String text = value == null ? "" : value;
    return text.length() <= MlflowProperties.MAX_PARAM_VALUE_LENGTH
        ? text
        : text.substring(0, MlflowProperties.MAX_PARAM_VALUE_LENGTH);
  }
}
