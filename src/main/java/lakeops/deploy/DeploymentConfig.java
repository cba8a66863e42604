package lakeops.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.config.YamlConfig;
import lakeops.exceptions.InvalidConfigException;

/**
 * The deployment rules of one model ({@code conf/deployment/<model>.yml}): which compliance checks
 * a version must pass, how it is compared with the champion, and whether a promotion waits for a
 * person's approval. Keys are documented in {@code conf/deployment/README.md}; read one with {@link
 * #load}.
 *
 * @param model model name ({@code flight_delay}), registered as {@code <env>.ml.<model>}
 * @param modelConfig the model's config file (labels table of the holdout); default {@code
 *     conf/models/<model>.yml}
 * @param holdout the rows both models are scored on
 * @param checks compliance checks
 * @param compareToChampion the comparison with the champion, or null for none
 * @param requiresApproval whether a promotion waits for {@code approve}; null: only in prod
 */
public record DeploymentConfig(
    String model,
    String modelConfig,
    Holdout holdout,
    Checks checks,
    Comparison compareToChampion,
    Boolean requiresApproval) {

  private static final Pattern THRESHOLD =
      Pattern.compile("\\s*([A-Za-z0-9_.]+)\\s*(>=|<=|==|>|<)\\s*([-+0-9.eE]+)\\s*");

  /**
   * The holdout.
   *
   * @param rows newest labelled rows of the labels table (default {@value
   *     DeployProperties#HOLDOUT_ROWS_DEFAULT})
   */
  public record Holdout(Integer rows) {}

  /**
   * Compliance checks; each is off when its key is unset.
   *
   * @param signature whether the model must carry an input signature
   * @param requiredTags tags the version (or its run) must carry
   * @param metricThresholds {@code <metric> <op> <number>}: run metrics ({@code test_areaUnderROC})
   *     or, with prefix {@code holdout_}, the version's metric on the holdout
   * @param maxModelSizeMb largest model (all its files), in MB
   * @param maxTrainingDataAgeDays oldest allowed label data, by the commit time of the labels
   *     table's Delta version the model was trained on
   */
  public record Checks(
      Boolean signature,
      List<String> requiredTags,
      List<String> metricThresholds,
      Double maxModelSizeMb,
      Integer maxTrainingDataAgeDays) {}

  /**
   * {@code challenger.metric >= champion.metric - tolerance} on the same holdout (for metrics where
   * lower is better, {@code rmse}, {@code mse}, {@code mae}, {@code logLoss}, the other way round).
   *
   * @param metric Spark evaluator metric ({@code areaUnderROC})
   * @param tolerance allowed loss
   */
  public record Comparison(String metric, Double tolerance) {}

  /**
   * One metric threshold.
   *
   * @param metric metric name
   * @param operator {@code >=}, {@code >}, {@code <=}, {@code <} or {@code ==}
   * @param value the bound
   */
  public record Threshold(String metric, String operator, double value) {

    /** Parses {@code test_areaUnderROC >= 0.68}. */
    public static Threshold parse(String text) {
      Matcher m = THRESHOLD.matcher(text == null ? "" : text);
      if (!m.matches()) {
        throw DeployErrors.badThreshold(text);
      }
      try {
        return new Threshold(m.group(1), m.group(2), Double.parseDouble(m.group(3)));
      } catch (NumberFormatException e) {
        throw DeployErrors.badThreshold(text);
      }
    }

    /** Whether {@code actual} meets the threshold. */
    public boolean test(double actual) {
      return switch (operator) {
        case ">=" -> actual >= value;
        case ">" -> actual > value;
        case "<=" -> actual <= value;
        case "<" -> actual < value;
        default -> actual == value;
      };
    }

    @Override
    public String toString() {
      return operator + " " + value;
    }
  }

  /** Reads {@code file} strictly; every error names the file and the key. */
  public static DeploymentConfig load(Path file) {
    YamlConfig yaml = YamlConfig.of(file, "deployment");
    DeploymentConfig config =
        yaml.bind(
            yaml.readMapping(
                "model, model_config, holdout, checks, compare_to_champion, requires_approval"),
            DeploymentConfig.class);
    return check(config, yaml);
  }

  private static DeploymentConfig check(DeploymentConfig config, YamlConfig yaml) {
    yaml.require(
        "model",
        config.model() != null && config.model().matches("[A-Za-z0-9_]+"),
        "must be a model name of letters, digits and underscores, got '" + config.model() + "'");
    if (config.holdout() != null && config.holdout().rows() != null) {
      yaml.require(
          "holdout.rows",
          config.holdout().rows() > 0,
          "must be at least 1, got " + config.holdout().rows());
    }
    Checks checks = config.checks();
    if (checks != null) {
      List<String> thresholds =
          checks.metricThresholds() == null ? List.of() : checks.metricThresholds();
      for (int i = 0; i < thresholds.size(); i++) {
        try {
          Threshold.parse(thresholds.get(i));
        } catch (InvalidConfigException e) {
          throw yaml.invalidKey("checks.metric_thresholds[" + i + "]", e.getMessage());
        }
      }
      if (checks.maxModelSizeMb() != null) {
        yaml.require("checks.max_model_size_mb", checks.maxModelSizeMb() > 0, "must be positive");
      }
      if (checks.maxTrainingDataAgeDays() != null) {
        yaml.require(
            "checks.max_training_data_age_days",
            checks.maxTrainingDataAgeDays() >= 0,
            "must be at least 0");
      }
    }
    Comparison comparison = config.compareToChampion();
    if (comparison != null) {
      yaml.require(
          "compare_to_champion.metric",
          HoldoutScoring.METRICS.contains(config.comparisonMetric()),
          "must be one of " + HoldoutScoring.METRICS + ", got '" + config.comparisonMetric() + "'");
      yaml.require(
          "compare_to_champion.tolerance",
          comparison.tolerance() == null || comparison.tolerance() >= 0,
          "must be at least 0");
    }
    return config;
  }

  /** The model config file, resolved against {@code home}'s root. */
  public String modelConfigPath() {
    return modelConfig != null
        ? modelConfig
        : "conf/" + DeployProperties.MODEL_CONFIG_DIR + "/" + model + ".yml";
  }

  /** Newest labelled rows scored. */
  public int holdoutRows() {
    return holdout == null || holdout.rows() == null
        ? DeployProperties.HOLDOUT_ROWS_DEFAULT
        : holdout.rows();
  }

  /** The metric compared with the champion (also the metric a decision records). */
  public String comparisonMetric() {
    return compareToChampion == null || compareToChampion.metric() == null
        ? DeployProperties.COMPARISON_METRIC_DEFAULT
        : compareToChampion.metric();
  }

  /** Allowed loss against the champion. */
  public double tolerance() {
    return compareToChampion == null || compareToChampion.tolerance() == null
        ? DeployProperties.TOLERANCE_DEFAULT
        : compareToChampion.tolerance();
  }

  /** The thresholds, parsed. */
  public List<Threshold> thresholds() {
    return checks == null || checks.metricThresholds() == null
        ? List.of()
        : checks.metricThresholds().stream().map(Threshold::parse).toList();
  }

  /** Whether a promotion in {@code environment} waits for {@code approve}. */
  public boolean requiresApproval(String environment) {
    return requiresApproval != null
        ? requiresApproval
        : DeployProperties.APPROVAL_DEFAULT_ENVIRONMENTS.contains(environment);
  }
}
