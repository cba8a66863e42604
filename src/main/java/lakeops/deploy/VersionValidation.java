package lakeops.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.training.ModelSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs the checks of a {@link DeploymentConfig} on one version: compliance checks on the model, its
 * run and its training data, and the champion comparison on one shared holdout.
 */
final class VersionValidation {

  /** The checks and the comparison metric's values (null when not measured). */
  record Outcome(List<CheckResult> checks, Double challengerMetric, Double championMetric) {}

  private final SparkSession spark;
  private final String catalog;
  private final Path homeRoot;
  private final ModelRegistry registry;
  private final MlflowRest rest;
  private final HoldoutScoring scoring;

  VersionValidation(
      SparkSession spark,
      String catalog,
      Path homeRoot,
      ModelRegistry registry,
      MlflowRest rest,
      HoldoutScoring scoring) {
    this.spark = spark;
    this.catalog = catalog;
    this.homeRoot = homeRoot;
    this.registry = registry;
    this.rest = rest;
    this.scoring = scoring;
  }

  Outcome run(DeploymentConfig config, ModelVersion challenger, Optional<ModelVersion> champion) {
    List<Path> downloaded = new ArrayList<>();
    try {
      Path challengerDir = download(challenger, downloaded);
      Optional<Path> championDir =
          champion
              .filter(c -> c.version() != challenger.version())
              .map(c -> download(c, downloaded));
      Map<String, Double> runMetrics = new HashMap<>();
      Map<String, String> tags = new HashMap<>();
      readRun(challenger.runId(), runMetrics, tags);
      tags.putAll(challenger.tags());

      List<CheckResult> checks = new ArrayList<>();
      DeploymentConfig.Checks rules = config.checks();
      if (rules != null && Boolean.TRUE.equals(rules.signature())) {
        checks.add(signature(challengerDir));
      }
      if (rules != null && rules.requiredTags() != null) {
        for (String tag : rules.requiredTags()) {
          String value = tags.get(tag);
          checks.add(
              CheckResult.of(
                  "tag " + tag,
                  value == null || value.isBlank() ? "missing" : shorten(value),
                  "present",
                  value != null && !value.isBlank()));
        }
      }
      if (rules != null && rules.maxModelSizeMb() != null) {
        double mb = size(challengerDir) / (1024.0 * 1024.0);
        checks.add(
            CheckResult.of(
                "model_size_mb",
                String.format("%.2f", mb),
                "<= " + rules.maxModelSizeMb(),
                mb <= rules.maxModelSizeMb()));
      }
      ModelSpec spec = ModelSpec.load(homeRoot.resolve(config.modelConfigPath()));
      if (rules != null && rules.maxTrainingDataAgeDays() != null) {
        checks.add(dataAge(spec, tags, rules.maxTrainingDataAgeDays()));
      }

      boolean needsHoldout =
          config.compareToChampion() != null
              || config.thresholds().stream()
                  .anyMatch(t -> t.metric().startsWith(DeployProperties.HOLDOUT_METRIC_PREFIX));
      Double challengerMetric = null;
      Double championMetric = null;
      Map<String, Double> holdoutMetrics = new HashMap<>();
      if (needsHoldout) {
        List<Path> dirs = new ArrayList<>(List.of(challengerDir));
        championDir.ifPresent(dirs::add);
        Dataset<Row> holdout =
            scoring
                .holdout(spec, catalog, config.holdoutRows(), dirs)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
          if (holdout.isEmpty()) {
            throw DeployErrors.noLabels(challenger.name(), spec.labels().table());
          }
          for (DeploymentConfig.Threshold t : config.thresholds()) {
            if (t.metric().startsWith(DeployProperties.HOLDOUT_METRIC_PREFIX)) {
              String metric = t.metric().substring(DeployProperties.HOLDOUT_METRIC_PREFIX.length());
              holdoutMetrics.computeIfAbsent(
                  t.metric(), k -> scoring.evaluate(challengerDir, holdout, metric));
            }
          }
          if (config.compareToChampion() != null) {
            String metric = config.comparisonMetric();
            challengerMetric = scoring.evaluate(challengerDir, holdout, metric);
            championMetric =
                champion.isEmpty()
                    ? null
                    : championDir
                        .map(dir -> scoring.evaluate(dir, holdout, metric))
                        .orElse(challengerMetric);
          }
        } finally {
          holdout.unpersist();
        }
      }
      for (DeploymentConfig.Threshold t : config.thresholds()) {
        Double value =
            t.metric().startsWith(DeployProperties.HOLDOUT_METRIC_PREFIX)
                ? holdoutMetrics.get(t.metric())
                : runMetrics.get(t.metric());
        checks.add(
            CheckResult.of(
                "metric " + t.metric(),
                value == null ? "missing" : String.format("%.4f", value),
                t.toString(),
                value != null && t.test(value)));
      }
      if (config.compareToChampion() != null) {
        checks.add(comparison(config, challengerMetric, championMetric));
      }
      return new Outcome(checks, challengerMetric, championMetric);
    } finally {
      downloaded.forEach(VersionValidation::delete);
    }
  }

  private static CheckResult comparison(
      DeploymentConfig config, Double challenger, Double champion) {
    String name = DeployProperties.COMPARISON_CHECK + " " + config.comparisonMetric();
    if (champion == null) {
      return CheckResult.of(name, String.format("%.4f", challenger), "no champion", true);
    }
    return CheckResult.of(
        name,
        String.format("%.4f", challenger),
        HoldoutScoring.comparisonThreshold(config.comparisonMetric(), champion, config.tolerance()),
        HoldoutScoring.noWorse(
            config.comparisonMetric(), challenger, champion, config.tolerance()));
  }

  private static CheckResult signature(Path modelDir) {
    boolean present;
    try {
      JsonNode mlmodel = new YAMLMapper().readTree(modelDir.resolve("MLmodel").toFile());
      JsonNode inputs = mlmodel.path("signature").path("inputs");
      present = inputs.isTextual() && !inputs.asText().isBlank() && !inputs.asText().equals("[]");
    } catch (IOException e) {
      present = false;
    }
    return CheckResult.of("signature", present ? "present" : "missing", "present", present);
  }

  /**
   * Age of the label data: now minus the commit time of the labels table's Delta version the
   * version was trained on (tag {@code lakeops.feature_table_versions}).
   */
  private CheckResult dataAge(ModelSpec spec, Map<String, String> tags, int maxDays) {
    String table = HoldoutScoring.qualify(spec.labels().table(), catalog);
    String threshold = "<= " + maxDays + " days";
    String versions = tags.get("lakeops.feature_table_versions");
    Long version = null;
    try {
      if (versions != null) {
        JsonNode node = new ObjectMapper().readTree(versions).get(table);
        version = node == null ? null : node.asLong();
      }
    } catch (IOException e) {
      version = null;
    }
    if (version == null) {
      return CheckResult.of("training_data_age_days", "unknown", threshold, false);
    }
    List<Row> commit =
        io.delta.tables.DeltaTable.forName(spark, table)
            .history()
            .where("version = " + version)
            .select("timestamp")
            .collectAsList();
    if (commit.isEmpty()) {
      return CheckResult.of("training_data_age_days", "unknown", threshold, false);
    }
    Instant committed = commit.get(0).getTimestamp(0).toInstant();
    double days = Duration.between(committed, Instant.now()).toMinutes() / (24.0 * 60);
    return CheckResult.of(
        "training_data_age_days", String.format("%.1f", days), threshold, days <= maxDays);
  }

  private void readRun(String runId, Map<String, Double> metrics, Map<String, String> tags) {
    if (runId == null || runId.isBlank()) {
      return;
    }
    JsonNode data = rest.get("runs/get", Map.of("run_id", runId)).path("run").path("data");
    data.path("metrics")
        .forEach(m -> metrics.put(m.path("key").asText(), m.path("value").asDouble()));
    data.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
  }

  private Path download(ModelVersion version, List<Path> downloaded) {
    try {
      Path dir = Files.createTempDirectory("lakeops-deploy-");
      downloaded.add(dir);
      registry.download(version.uri(), dir);
      return dir;
    } catch (IOException e) {
      throw DeployErrors.cannotRead("model " + version.uri(), e);
    }
  }

  private static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException e) {
      throw DeployErrors.cannotRead("model folder " + dir, e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind is harmless.
    }
  }

  private static String shorten(String value) {
    return value.length() <= 20 ? value : value.substring(0, 17) + "...";
  }
}
