package lakeops.training;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lakeops.config.YamlConfig;
import lakeops.features.FeatureLookup;

/** Reads and checks model config files; resolves their table names and lookups in an environment. */
public final class ModelSpecLoader {

  private static final Set<String> TASKS = Set.of("classification", "regression");
  private static final Set<String> METHODS = Set.of("validation_split", "cross_validator");

  private ModelSpecLoader() {}

  /** Reads {@code file} strictly; every error names the file and the key. */
  public static ModelSpec load(Path file) {
    YamlConfig config = YamlConfig.of(file, "model");
    ModelSpec spec = config.bind(config.readMapping(
        "name, description, task, labels, features, split, pipeline, tuning, metrics"), ModelSpec.class);
    config.require("name", spec.name() != null && spec.name().matches("[A-Za-z0-9_]+"),
        "must be a name of letters, digits and underscores, got '" + spec.name() + "'");
    String task = task(spec);
    config.require("task", TASKS.contains(task), "must be one of " + TASKS + ", got '" + task + "'");
    config.require("labels", spec.labels() != null, "is missing (table, label, timestamp, columns)");
    config.require("labels.table", notBlank(spec.labels().table()), "is missing");
    config.require("labels.label", notBlank(spec.labels().label()), "is missing (a SQL expression)");
    config.require("labels.timestamp", notBlank(spec.labels().timestamp()), "is missing");
    config.require("pipeline", spec.pipeline() != null && !spec.pipeline().isEmpty(),
        "must list at least one stage");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.pipeline().size(); i++) {
      ModelSpec.Stage stage = spec.pipeline().get(i);
      config.require("pipeline[" + i + "].stage", stage.stage() != null && !stage.stage().isBlank(),
          "is missing (a stage type such as vector_assembler)");
      config.require("pipeline[" + i + "].name", names.add(stageName(stage)),
          "'" + stageName(stage) + "' names two stages; give each a unique name");
      try {
        PipelineFactory.stage(stage);
      } catch (RuntimeException e) {
        throw config.invalid("pipeline[" + i + "]: " + e.getMessage());
      }
    }
    config.require("metrics", spec.metrics() != null && !spec.metrics().isEmpty(),
        "must list at least one metric");
    for (String metric : spec.metrics()) {
      config.require("metrics", Evaluation.supports(task, metric), "'" + metric + "' is not a "
          + task + " metric (known: " + Evaluation.metrics(task) + ")");
    }
    if (spec.split() != null) {
      double validation = validationFraction(spec);
      double test = testFraction(spec);
      config.require("split", validation >= 0 && test > 0 && validation + test < 1,
          "must hold shares with validation >= 0, test > 0 and validation + test < 1");
    }
    if (spec.tuning() != null) {
      String method = tuningMethod(spec);
      config.require("tuning.method", METHODS.contains(method), "must be one of " + METHODS);
      config.require("tuning.grid", spec.tuning().grid() != null && !spec.tuning().grid().isEmpty(),
          "must map <stage name>.<param> to candidate values");
      config.require("tuning.method", !method.equals("validation_split") || validationFraction(spec) > 0,
          "validation_split needs split.validation > 0");
      String metric = tuningMetric(spec);
      config.require("tuning.metric", Evaluation.supports(task, metric), "'" + metric
          + "' is not a " + task + " metric (known: " + Evaluation.metrics(task) + ")");
      for (String key : spec.tuning().grid().keySet()) {
        config.require("tuning.grid." + key, key.contains(".") && names.contains(key.substring(0,
            key.indexOf('.'))), "must be <stage name>.<param> with a stage name of the pipeline " + names);
      }
    }
    if (spec.features() != null) {
      for (int i = 0; i < spec.features().size(); i++) {
        ModelSpec.Lookup lookup = spec.features().get(i);
        config.require("features[" + i + "].table", notBlank(lookup.table()), "is missing");
        config.require("features[" + i + "].lookup_keys",
            lookup.lookupKeys() != null && !lookup.lookupKeys().isEmpty(), "must name the label columns of the keys");
        if (lookup.lookback() != null) {
          try {
            duration(lookup.lookback());
          } catch (IllegalArgumentException e) {
            throw config.invalid("key 'features[" + i + "].lookback' " + e.getMessage());
          }
        }
      }
    }
    return spec;
  }

  /** {@code table} in {@code catalog} when it has two parts; three-part names as they are. */
  public static String qualify(String table, String catalog) {
    return table.split("\\.").length == 2 ? catalog + "." + table : table;
  }

  /** The feature lookups of {@code spec}, their tables in {@code catalog}. */
  public static FeatureLookup[] lookups(ModelSpec spec, String catalog) {
    List<FeatureLookup> lookups = new ArrayList<>();
    if (spec.features() != null) {
      for (ModelSpec.Lookup each : spec.features()) {
        FeatureLookup lookup = FeatureLookup.of(qualify(each.table(), catalog))
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
      throw new IllegalArgumentException("must be a duration such as 28d, 12h or P28D, got '" + text + "'");
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
        ? TrainingProperties.VALIDATION_FRACTION_DEFAULT : spec.split().validation();
  }

  static double testFraction(ModelSpec spec) {
    return spec.split() == null || spec.split().test() == null
        ? TrainingProperties.TEST_FRACTION_DEFAULT : spec.split().test();
  }

  static String tuningMethod(ModelSpec spec) {
    return spec.tuning().method() == null ? TrainingProperties.TUNING_METHOD_DEFAULT
        : spec.tuning().method();
  }

  static String tuningMetric(ModelSpec spec) {
    return spec.tuning().metric() == null ? spec.metrics().get(0) : spec.tuning().metric();
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }
}
