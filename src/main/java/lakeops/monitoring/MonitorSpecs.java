package lakeops.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lakeops.config.YamlConfig;
import lakeops.env.LakeOpsHome;
import lakeops.monitoring.MonitorSpec.Baseline;
import lakeops.monitoring.MonitorSpec.Granularity;
import lakeops.monitoring.MonitorSpec.InferenceLog;

/**
 * Reads monitor specs from {@code conf/monitors/*.yml} strictly (unknown keys and bad values
 * refused, errors naming file and key) with the shared {@link YamlConfig}.
 */
final class MonitorSpecs {

  private static final Pattern GRANULARITY =
      Pattern.compile("(\\d+)\\s*(minute|hour|day|week)s?", Pattern.CASE_INSENSITIVE);
  private static final Set<String> CONDITIONS = Set.of(">", ">=", "<", "<=");

  private MonitorSpecs() {}

  /** The YAML shape of a monitor file (snake_case keys). */
  record File(
      String name,
      String table,
      String profileType,
      String timestampCol,
      List<String> granularities,
      List<String> slicingExprs,
      List<String> columns,
      BaselineFile baseline,
      InferenceLogFile inferenceLog,
      List<AlertFile> alerts) {}

  record BaselineFile(String table, Long version) {}

  record InferenceLogFile(
      String problemType,
      String predictionCol,
      String labelCol,
      String modelIdCol,
      String probabilityCol) {}

  record AlertFile(
      String name,
      String metric,
      String source,
      String column,
      String driftType,
      String granularity,
      String sliceKey,
      String sliceValue,
      String modelId,
      String condition,
      Double threshold,
      Integer atLeast,
      Integer ofLast,
      Double sigmas) {}

  /** The folder of monitor specs of {@code home}. */
  static Path directory(LakeOpsHome home) {
    return home.confDir().resolve(MonitorProperties.MONITORS_DIR);
  }

  /** Every monitor of {@code home}, by name. */
  static List<MonitorSpec> list(LakeOpsHome home) {
    return list(directory(home));
  }

  /** Every monitor of {@code dir} ({@code <name>.yml} files), by name. */
  static List<MonitorSpec> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".yml"))
          .sorted()
          .map(MonitorSpecs::load)
          .toList();
    } catch (IOException e) {
      throw MonitoringErrors.cannotListMonitors(dir, e);
    }
  }

  /** The monitor {@code name} of {@code home} ({@code conf/monitors/<name>.yml}). */
  static MonitorSpec load(LakeOpsHome home, String name) {
    return load(directory(home), name);
  }

  /** The monitor {@code name} of {@code dir} ({@code <dir>/<name>.yml}). */
  static MonitorSpec load(Path dir, String name) {
    Path file = dir.resolve(name + ".yml");
    if (!Files.isRegularFile(file)) {
      List<String> known = list(dir).stream().map(MonitorSpec::name).toList();
      throw MonitoringErrors.monitorNotFound(name, file, known);
    }
    return load(file);
  }

  /** The monitor in {@code file}; its name must equal the file name. */
  static MonitorSpec load(Path file) {
    YamlConfig config = YamlConfig.of(file, "monitor");
    JsonNode tree = config.readMapping("name, table, profile_type, …");
    File raw = config.bind(tree, File.class);
    String stem = file.getFileName().toString().replaceFirst("\\.yml$", "");
    config.require(
        "name",
        raw.name() != null && raw.name().equals(stem),
        "must equal the file name '" + stem + "', got '" + raw.name() + "'");
    config.require("table", raw.table() != null && !raw.table().isBlank(), "is required");
    ProfileType type = profileType(config, raw.profileType());
    if (type != ProfileType.SNAPSHOT) {
      config.require(
          "timestamp_col",
          raw.timestampCol() != null,
          "is required for profile_type " + raw.profileType());
    }
    List<Granularity> granularities = new ArrayList<>();
    List<String> texts = raw.granularities() == null ? List.of("1 day") : raw.granularities();
    for (int i = 0; i < texts.size(); i++) {
      granularities.add(granularity(config, "granularities[" + i + "]", texts.get(i)));
    }
    if (type == ProfileType.SNAPSHOT) {
      granularities = List.of();
    }
    Optional<InferenceLog> inference = Optional.empty();
    if (type == ProfileType.INFERENCE_LOG) {
      InferenceLogFile log = raw.inferenceLog();
      config.require("inference_log", log != null, "is required for profile_type inference_log");
      config.require("inference_log.prediction_col", log.predictionCol() != null, "is required");
      config.require("inference_log.model_id_col", log.modelIdCol() != null, "is required");
      config.require(
          "inference_log.problem_type",
          log.problemType() != null
              && Set.of("classification", "regression").contains(log.problemType()),
          "must be classification or regression, got '" + log.problemType() + "'");
      inference =
          Optional.of(
              new InferenceLog(
                  ProblemType.valueOf(log.problemType().toUpperCase(Locale.ROOT)),
                  log.predictionCol(),
                  Optional.ofNullable(log.labelCol()),
                  log.modelIdCol(),
                  Optional.ofNullable(log.probabilityCol())));
    } else {
      config.require(
          "inference_log", raw.inferenceLog() == null, "is only for profile_type inference_log");
    }
    Optional<Baseline> baseline =
        Optional.ofNullable(raw.baseline())
            .map(
                b -> {
                  config.require(
                      "baseline",
                      b.table() != null || b.version() != null,
                      "needs a table, a version or both");
                  return new Baseline(
                      Optional.ofNullable(b.table()), Optional.ofNullable(b.version()));
                });
    List<AlertRule> alerts = new ArrayList<>();
    List<AlertFile> alertFiles = raw.alerts() == null ? List.of() : raw.alerts();
    for (int i = 0; i < alertFiles.size(); i++) {
      alerts.add(alert(config, "alerts[" + i + "]", alertFiles.get(i)));
    }
    return new MonitorSpec(
        raw.name(),
        raw.table(),
        type,
        Optional.ofNullable(raw.timestampCol()),
        granularities,
        orEmpty(raw.slicingExprs()),
        orEmpty(raw.columns()),
        baseline,
        inference,
        alerts);
  }

  /** Parses {@code "1 day"}, {@code "6 hours"}, {@code "1 week"}, {@code "30 minutes"}. */
  static Granularity granularity(YamlConfig config, String key, String text) {
    Matcher m = GRANULARITY.matcher(text == null ? "" : text.trim());
    config.require(key, m.matches(), "must be '<n> minute|hour|day|week', got '" + text + "'");
    long n = Long.parseLong(m.group(1));
    config.require(key, n > 0, "must be positive, got '" + text + "'");
    Duration unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "minute" -> Duration.ofMinutes(1);
          case "hour" -> Duration.ofHours(1);
          case "day" -> Duration.ofDays(1);
          default -> Duration.ofDays(7);
        };
    return new Granularity(text.trim(), unit.multipliedBy(n));
  }

  private static ProfileType profileType(YamlConfig config, String text) {
    config.require(
        "profile_type",
        text != null && Set.of("snapshot", "time_series", "inference_log").contains(text),
        "must be snapshot, time_series or inference_log, got '" + text + "'");
    return ProfileType.valueOf(text.toUpperCase(Locale.ROOT));
  }

  private static AlertRule alert(YamlConfig config, String key, AlertFile a) {
    config.require(
        key + ".name",
        a.name() != null && a.name().matches("[A-Za-z0-9_.-]+"),
        "is required (letters, digits, _ . -)");
    config.require(
        key + ".metric",
        a.metric() != null && a.metric().matches("[a-z_]+(\\.[a-z_]+)?"),
        "is required: a metric column such as js_distance or ks_test.statistic");
    String source = a.source() == null ? "drift" : a.source();
    config.require(
        key + ".source",
        source.equals("drift") || source.equals("profile"),
        "must be drift or profile, got '" + source + "'");
    config.require(key + ".column", a.column() != null, "is required (':table' for model metrics)");
    String driftType = a.driftType() == null ? "BASELINE" : a.driftType().toUpperCase(Locale.ROOT);
    config.require(
        key + ".drift_type",
        driftType.equals("BASELINE") || driftType.equals("CONSECUTIVE"),
        "must be BASELINE or CONSECUTIVE, got '" + a.driftType() + "'");
    boolean anomaly = a.sigmas() != null;
    config.require(
        key,
        anomaly != (a.condition() != null || a.threshold() != null),
        "needs either condition and threshold, or sigmas (an anomaly rule)");
    if (!anomaly) {
      config.require(
          key + ".condition",
          CONDITIONS.contains(a.condition()),
          "must be one of >, >=, <, <=, got '" + a.condition() + "'");
      config.require(key + ".threshold", a.threshold() != null, "is required with condition");
    } else {
      config.require(key + ".sigmas", a.sigmas() > 0, "must be positive");
    }
    int ofLast = a.ofLast() == null ? MonitorProperties.OF_LAST_DEFAULT : a.ofLast();
    int atLeast = a.atLeast() == null ? ofLast : a.atLeast();
    config.require(
        key + ".at_least",
        atLeast >= 1 && atLeast <= ofLast,
        "must be between 1 and of_last (" + ofLast + "), got " + atLeast);
    if (a.granularity() != null) {
      granularity(config, key + ".granularity", a.granularity());
    }
    return new AlertRule(
        a.name(),
        a.metric(),
        source,
        a.column(),
        driftType,
        Optional.ofNullable(a.granularity()),
        Optional.ofNullable(a.sliceKey()),
        Optional.ofNullable(a.sliceValue()),
        a.modelId() == null ? MonitorProperties.ALL_MODELS : a.modelId(),
        Optional.ofNullable(a.condition()),
        Optional.ofNullable(a.threshold()),
        atLeast,
        ofLast,
        Optional.ofNullable(a.sigmas()));
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }
}
