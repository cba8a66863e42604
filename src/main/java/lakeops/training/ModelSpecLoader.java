package lakeops.training;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lakeops.config.YamlConfig;
import lakeops.exceptions.InvalidConfigException;
import lakeops.exceptions.ValidationException;
import lakeops.features.FeatureLookup;

/**
 * Reads and checks model config files (and specs built in code); resolves their table names and
 * lookups in an environment.
 */
final class ModelSpecLoader {

  private static final Set<String> TASKS = Set.of("classification", "regression");
  private static final Set<String> METHODS = Set.of("validation_split", "cross_validator");

  private ModelSpecLoader() {}

  /** Where a spec came from, for its errors: a model file, or a spec built in code. */
  @FunctionalInterface
  private interface Source {

    /** An error about the spec, {@code problem} naming the key. */
    InvalidConfigException invalid(String problem);

    /** Refuses the spec unless {@code condition} holds: {@code key '<key>' <problem>}. */
    default void require(String key, boolean condition, String problem) {
      if (!condition) {
        throw invalid(String.format("key '%s' %s", key, problem));
      }
    }
  }

  /** Reads {@code file} strictly; every error names the file and the key. */
  static ModelSpec load(Path file) {
    YamlConfig config = YamlConfig.of(file, "model");
    ModelSpec spec =
        config.bind(
            config.readMapping(
                "name, description, task, labels, features, split, pipeline, tuning, metrics"),
            ModelSpec.class);
    return check(spec, config::invalid);
  }

  /** Checks {@code spec} as a model file is checked; errors name the model and the key. */
  static ModelSpec check(ModelSpec spec) {
    return check(spec, problem -> TrainingErrors.invalidSpec(spec.name(), problem));
  }

  private static ModelSpec check(ModelSpec spec, Source source) {
    source.require(
        "name",
        spec.name() != null && spec.name().matches("[A-Za-z0-9_]+"),
        "must be a name of letters, digits and underscores, got '" + spec.name() + "'");
    String task = task(spec);
    source.require(
        "task", TASKS.contains(task), "must be one of " + TASKS + ", got '" + task + "'");
    checkLabels(spec, source);
    Set<String> names = checkPipeline(spec, source);
    source.require(
        "metrics",
        spec.metrics() != null && !spec.metrics().isEmpty(),
        "must list at least one metric");
    for (String metric : spec.metrics()) {
      source.require(
          "metrics",
          Evaluation.supports(task, metric),
          "has '"
              + metric
              + "', which is not a "
              + task
              + " metric (known: "
              + Evaluation.metrics(task)
              + ")");
    }
    if (spec.split() != null) {
      double validation = validationFraction(spec);
      double test = testFraction(spec);
      source.require(
          "split",
          validation >= 0 && test > 0 && validation + test < 1,
          "must hold shares with validation >= 0, test > 0 and validation + test < 1");
    }
    if (spec.tuning() != null) {
      checkTuning(spec, task, names, source);
    }
    checkFeatures(spec, source);
    return spec;
  }

  private static void checkLabels(ModelSpec spec, Source source) {
    source.require(
        "labels", spec.labels() != null, "is missing (table, label, timestamp, columns)");
    source.require("labels.table", notBlank(spec.labels().table()), "is missing");
    source.require(
        "labels.label", notBlank(spec.labels().label()), "is missing (a SQL expression)");
    source.require("labels.timestamp", notBlank(spec.labels().timestamp()), "is missing");
  }

  /** Checks every stage; returns the stage names. */
  private static Set<String> checkPipeline(ModelSpec spec, Source source) {
    source.require(
        "pipeline",
        spec.pipeline() != null && !spec.pipeline().isEmpty(),
        "must list at least one stage");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.pipeline().size(); i++) {
      ModelSpec.Stage stage = spec.pipeline().get(i);
      String key = "pipeline[" + i + "]";
      source.require(
          key + ".stage",
          stage.stage() != null && !stage.stage().isBlank(),
          "is missing (a stage type such as vector_assembler)");
      source.require(
          key + ".name",
          names.add(stageName(stage)),
          "'" + stageName(stage) + "' names two stages; give each a unique name");
      try {
        PipelineFactory.stage(stage);
      } catch (ValidationException e) {
        throw source.invalid(String.format("key '%s': %s", key, e.getMessage()));
      }
    }
    return names;
  }

  private static void checkTuning(ModelSpec spec, String task, Set<String> names, Source source) {
    String method = tuningMethod(spec);
    source.require("tuning.method", METHODS.contains(method), "must be one of " + METHODS);
    source.require(
        "tuning.grid",
        spec.tuning().grid() != null && !spec.tuning().grid().isEmpty(),
        "must map <stage name>.<param> to candidate values");
    source.require(
        "tuning.method",
        !method.equals("validation_split") || validationFraction(spec) > 0,
        "is validation_split, which needs split.validation > 0");
    String metric = tuningMetric(spec);
    source.require(
        "tuning.metric",
        Evaluation.supports(task, metric),
        "'" + metric + "' is not a " + task + " metric (known: " + Evaluation.metrics(task) + ")");
    for (String key : spec.tuning().grid().keySet()) {
      source.require(
          "tuning.grid." + key,
          key.contains(".") && names.contains(key.substring(0, key.indexOf('.'))),
          "must be <stage name>.<param> with a stage name of the pipeline " + names);
    }
  }

  private static void checkFeatures(ModelSpec spec, Source source) {
    if (spec.features() == null) {
      return;
    }
    for (int i = 0; i < spec.features().size(); i++) {
      ModelSpec.Lookup lookup = spec.features().get(i);
      String key = "features[" + i + "]";
      source.require(key + ".table", notBlank(lookup.table()), "is missing");
      source.require(
          key + ".lookup_keys",
          lookup.lookupKeys() != null && !lookup.lookupKeys().isEmpty(),
          "must name the label columns of the keys");
      if (lookup.lookback() != null) {
        try {
          duration(lookup.lookback());
        } catch (ValidationException e) {
          throw source.invalid(String.format("key '%s.lookback': %s", key, e.getMessage()));
        }
      }
    }
  }

  /** {@code table} in {@code catalog} when it has two parts; three-part names as they are. */
  static String qualify(String table, String catalog) {
    return table.split("\\.").length == 2 ? catalog + "." + table : table;
  }

  /** The feature lookups of {@code spec}, their tables in {@code catalog}. */
  static FeatureLookup[] lookups(ModelSpec spec, String catalog) {
    List<FeatureLookup> lookups = new ArrayList<>();
    if (spec.features() != null) {
      for (ModelSpec.Lookup each : spec.features()) {
        FeatureLookup lookup =
            FeatureLookup.of(qualify(each.table(), catalog))
                .on(each.lookupKeys().toArray(String[]::new));
        if (each.timestampLookupKey() != null) {
          lookup = lookup.asOf(each.timestampLookupKey());
        }
        if (each.lookback() != null) {
          lookup = lookup.lookback(duration(each.lookback()));
        }
        if (each.features() != null && !each.features().isEmpty()) {
          lookup = lookup.features(each.features().toArray(String[]::new));
        }
        if (each.renames() != null) {
          for (var rename : each.renames().entrySet()) {
            lookup = lookup.rename(rename.getKey(), rename.getValue());
          }
        }
        if (each.defaults() != null) {
          for (var value : each.defaults().entrySet()) {
            lookup = lookup.defaultValue(value.getKey(), value.getValue());
          }
        }
        lookups.add(lookup);
      }
    }
    return lookups.toArray(FeatureLookup[]::new);
  }

  /** {@code 28d}, {@code 12h}, {@code 30m} or an ISO-8601 duration ({@code P28D}). */
  static Duration duration(String text) {
    String value = text.strip();
    try {
      if (value.matches("\\d+[dhms]")) {
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
          case 'd' -> Duration.ofDays(amount);
          case 'h' -> Duration.ofHours(amount);
          case 'm' -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        };
      }
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw TrainingErrors.invalidLookback(text);
    }
  }

  static String task(ModelSpec spec) {
    return spec.task() == null ? TrainingProperties.TASK_DEFAULT : spec.task();
  }

  static String stageName(ModelSpec.Stage stage) {
    return stage.name() == null ? stage.stage() : stage.name();
  }

  static double validationFraction(ModelSpec spec) {
    return spec.split() == null || spec.split().validation() == null
        ? TrainingProperties.VALIDATION_FRACTION_DEFAULT
        : spec.split().validation();
  }

  static double testFraction(ModelSpec spec) {
    return spec.split() == null || spec.split().test() == null
        ? TrainingProperties.TEST_FRACTION_DEFAULT
        : spec.split().test();
  }

  static String tuningMethod(ModelSpec spec) {
    return spec.tuning().method() == null
        ? TrainingProperties.TUNING_METHOD_DEFAULT
        : spec.tuning().method();
  }

  static String tuningMetric(ModelSpec spec) {
    return spec.tuning().metric() == null ? spec.metrics().get(0) : spec.tuning().metric();
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }
}
