package lakeops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MLflow Model Registry over REST: registered models, versions, aliases, stages, tags, search
 * and download. Every write is safe to repeat: creating a model that exists returns it, and
 * creating a version that a run already registered from the same source returns that version.
 *
 * <pre>{@code registry.createModel("dev.ml.flight_delay");
 * ModelVersion v = registry.createVersion("dev.ml.flight_delay", source, runId);
 * registry.setAlias(v.name(), "champion", v.version());}</pre>
 */
public final class ModelRegistry {

  private static final String ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
  private static final String DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";

  private final MlflowRest rest;

  /** The registry of {@code rest}'s server. */
  public ModelRegistry(MlflowRest rest) {
    this.rest = rest;
  }

  /** Creates registered model {@code name}, or returns it if it exists. */
  public RegisteredModel createModel(String name, String description) {
    ObjectNode body = MlflowRest.object().put("name", name);
    if (description != null && !description.isBlank()) {
      body.put("description", description);
    }
    try {
      return RegisteredModel.fromJson(
          rest.post("registered-models/create", body).path("registered_model"));
    } catch (MlflowRestException e) {
      if (e.is(ALREADY_EXISTS)) {
        return model(name).orElseThrow(() -> e);
      }
      throw e;
    }
  }

  /** Registered model {@code name}, if it exists. */
  public Optional<RegisteredModel> model(String name) {
    try {
      return Optional.of(
          RegisteredModel.fromJson(
              rest.get("registered-models/get", Map.of("name", name)).path("registered_model")));
    } catch (MlflowRestException e) {
      if (e.is(DOES_NOT_EXIST)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Registered models whose name matches the SQL-like {@code filter} ({@code name LIKE 'dev.%'}).
   */
  public List<RegisteredModel> searchModels(String filter) {
    List<RegisteredModel> models = new ArrayList<>();
    String pageToken = "";
    do {
      Map<String, String> query = new java.util.LinkedHashMap<>();
      query.put("max_results", "1000");
      if (filter != null && !filter.isBlank()) {
        query.put("filter", filter);
      }
      if (!pageToken.isEmpty()) {
        query.put("page_token", pageToken);
      }
      JsonNode page = rest.get("registered-models/search", query);
      page.path("registered_models").forEach(m -> models.add(RegisteredModel.fromJson(m)));
      pageToken = page.path("next_page_token").asText("");
    } while (!pageToken.isEmpty());
    return models;
  }

  /**
   * Registered models whose name starts with {@code prefix} ({@code dev.ml.}); all when it is
   * empty.
   */
  public List<RegisteredModel> searchModelsByPrefix(String prefix) {
    return searchModels(
        prefix.isEmpty() ? null : "name LIKE '" + prefix.replace("'", "\\'") + "%'");
  }

  /**
   * Creates a version of {@code name} from the model directory at {@code source} logged by {@code
   * runId}; if that run already registered that source (a retried call), returns that version.
   */
  public ModelVersion createVersion(String name, String source, String runId) {
    // Not sent twice blindly: a create whose answer was lost (the server went down after committing
    // it) would register the run twice, so each attempt first looks for the run's version.
    RetryPolicy retry = rest.retryPolicy();
    long deadline = System.nanoTime() + retry.budget().toNanos();
    MlflowRest once = rest.once();
    for (int attempt = 1; ; attempt++) {
      Optional<ModelVersion> existing =
          searchVersions(name, runId).stream().filter(v -> v.source().equals(source)).findFirst();
      if (existing.isPresent()) {
        return existing.get();
      }
      ObjectNode body =
          MlflowRest.object().put("name", name).put("source", source).put("run_id", runId);
      try {
        return ModelVersion.fromJson(
            once.post("model-versions/create", body).path("model_version"));
      } catch (MlflowRestException e) {
        java.time.Duration wait = retry.backoff(attempt);
        if (!e.unreachable() || System.nanoTime() + wait.toNanos() > deadline) {
          throw e;
        }
        sleep(wait);
      }
    }
  }

  private static void sleep(java.time.Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while registering a model version", e);
    }
  }

  /** Versions of {@code name}, newest first; only those of {@code runId} unless it is null. */
  public List<ModelVersion> searchVersions(String name, String runId) {
    String filter =
        "name = '"
            + quote(name)
            + "'"
            + (runId == null ? "" : " AND run_id = '" + quote(runId) + "'");
    List<ModelVersion> versions = new ArrayList<>();
    String pageToken = "";
    do {
      Map<String, String> query = new java.util.LinkedHashMap<>();
      query.put("filter", filter);
      query.put("max_results", "1000");
      if (!pageToken.isEmpty()) {
        query.put("page_token", pageToken);
      }
      JsonNode page = rest.get("model-versions/search", query);
      page.path("model_versions").forEach(v -> versions.add(ModelVersion.fromJson(v)));
      pageToken = page.path("next_page_token").asText("");
    } while (!pageToken.isEmpty());
    versions.sort((a, b) -> Integer.compare(b.version(), a.version()));
    return versions;
  }

  /** Version {@code version} of {@code name}. */
  public ModelVersion version(String name, int version) {
    return ModelVersion.fromJson(
        rest.get("model-versions/get", Map.of("name", name, "version", Integer.toString(version)))
            .path("model_version"));
  }

  /** The version {@code alias} points at, if the alias is set. */
  public Optional<ModelVersion> versionByAlias(String name, String alias) {
    try {
      return Optional.of(
          ModelVersion.fromJson(
              rest.get("registered-models/alias", Map.of("name", name, "alias", alias))
                  .path("model_version")));
    } catch (MlflowRestException e) {
      // MLflow answers a missing alias with 400 INVALID_PARAMETER_VALUE "alias … not found".
      if (e.is(DOES_NOT_EXIST)
          || e.statusCode() == 404
          || (e.is("INVALID_PARAMETER_VALUE") && e.getMessage().contains("not found"))) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Points {@code alias} of {@code name} at {@code version} (moving it if set elsewhere). */
  public void setAlias(String name, String alias, int version) {
    rest.post(
        "registered-models/alias",
        MlflowRest.object()
            .put("name", name)
            .put("alias", alias)
            .put("version", Integer.toString(version)));
  }

  /** Removes {@code alias} from {@code name}; nothing happens if it is not set. */
  public void deleteAlias(String name, String alias) {
    try {
      rest.delete(
          "registered-models/alias", MlflowRest.object().put("name", name).put("alias", alias));
    } catch (MlflowRestException e) {
      if (!e.is(DOES_NOT_EXIST) && e.statusCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * Moves {@code version} of {@code name} to {@code stage} (None, Staging, Production, Archived);
   * with {@code archiveExisting} the versions in that stage move to Archived.
   */
  public ModelVersion transitionStage(
      String name, int version, String stage, boolean archiveExisting) {
    String canonical =
        MlflowProperties.STAGES.stream()
            .filter(s -> s.equalsIgnoreCase(stage))
            .findFirst()
            .orElseThrow(() -> MlflowErrors.unknownStage(stage));
    return ModelVersion.fromJson(
        rest.post(
                "model-versions/transition-stage",
                MlflowRest.object()
                    .put("name", name)
                    .put("version", Integer.toString(version))
                    .put("stage", canonical)
                    .put("archive_existing_versions", archiveExisting))
            .path("model_version"));
  }

  /** Sets tag {@code key} of registered model {@code name}. */
  public void setModelTag(String name, String key, String value) {
    rest.post(
        "registered-models/set-tag",
        MlflowRest.object().put("name", name).put("key", key).put("value", value));
  }

  /** Sets tag {@code key} of {@code version} of {@code name}. */
  public void setVersionTag(String name, int version, String key, String value) {
    rest.post(
        "model-versions/set-tag",
        MlflowRest.object()
            .put("name", name)
            .put("version", Integer.toString(version))
            .put("key", key)
            .put("value", value));
  }

  /**
   * The version a {@code models:/<name>/<version>} or {@code models:/<name>@<alias>} URI names
   * (also {@code models:/<name>/<stage>} and {@code models:/<name>/latest}).
   */
  public ModelVersion resolve(String modelUri) {
    if (modelUri == null || !modelUri.startsWith("models:/")) {
      throw MlflowErrors.badModelUri(modelUri);
    }
    String rest = modelUri.substring("models:/".length());
    int at = rest.lastIndexOf('@');
    if (at > 0) {
      String name = rest.substring(0, at);
      String alias = rest.substring(at + 1);
      return versionByAlias(name, alias)
          .orElseThrow(() -> MlflowErrors.noAlias(modelUri, name, alias));
    }
    int slash = rest.lastIndexOf('/');
    if (slash <= 0) {
      throw MlflowErrors.badModelUri(modelUri);
    }
    String name = rest.substring(0, slash);
    String which = rest.substring(slash + 1);
    if (which.matches("\\d+")) {
      return version(name, Integer.parseInt(which));
    }
    List<ModelVersion> versions = searchVersions(name, null);
    return versions.stream()
        .filter(v -> which.equalsIgnoreCase("latest") || v.stage().equalsIgnoreCase(which))
        .findFirst()
        .orElseThrow(
            () ->
                MlflowErrors.noVersion(
                    modelUri,
                    name,
                    which.equalsIgnoreCase("latest") ? "at all" : "in stage " + which));
  }

  /** Downloads the model directory of {@code modelUri} into {@code target}; returns the version. */
  public ModelVersion download(String modelUri, Path target) {
    ModelVersion version = resolve(modelUri);
    String location =
        rest.get(
                "model-versions/get-download-uri",
                Map.of("name", version.name(), "version", Integer.toString(version.version())))
            .path("artifact_uri")
            .asText(version.source());
    new ArtifactStore(rest).download(location, target);
    return version;
  }

  private static String quote(String value) {
    return value.replace("'", "\\'");
  }
}
