package lakeops.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model config file ({@code conf/models/<name>.yml}) as written: what to predict from which label
 * rows, which feature lookups join them, the MLlib pipeline, tuning, split and metrics. Keys are
 * documented in {@code conf/models/README.md}. Read one with {@link #load}, or build one in code
 * and train it with {@link ModelTraining#train(ModelSpec)}, which checks it as a file is checked.
 *
 * @param name model name; registered as {@code <env>.ml.<name>}
 * @param description what the model predicts
 * @param task {@code classification} or {@code regression}
 * @param labels where the label rows come from
 * @param features point-in-time feature lookups
 * @param split time-based train / validation / test split
 * @param pipeline MLlib stages, in order
 * @param tuning hyper-parameter search, or null
 * @param metrics evaluation metrics logged for each split
 */
public record ModelSpec(
    String name,
    String description,
    String task,
    Labels labels,
    List<Lookup> features,
    Split split,
    List<Stage> pipeline,
    Tuning tuning,
    List<String> metrics) {

  /** Reads the model file {@code file} strictly; an error names the file and the key. */
  public static ModelSpec load(Path file) {
    return ModelSpecLoader.load(file);
  }

  /**
   * Label rows.
   *
   * @param table table of the label rows ({@code gold.flights}; two-part names are in the
   *     environment's catalog)
   * @param label SQL expression of the label ({@code CAST(delay_minutes > 15 AS DOUBLE)})
   * @param timestamp column of the time each label is known at: lookups are as of it, the split
   *     follows it
   * @param columns columns kept as model inputs (lookup keys, raw features)
   * @param where optional SQL filter
   */
  public record Labels(
      String table, String label, String timestamp, List<String> columns, String where) {}

  /**
   * One feature lookup.
   *
   * @param table feature table ({@code features.origin_delay_stats})
   * @param lookupKeys label columns holding the table's primary keys
   * @param timestampLookupKey label column the features are looked up as of (time-series tables)
   * @param lookback oldest usable feature row: {@code 28d}, {@code 12h} or ISO-8601 ({@code P28D})
   * @param features features to take (default all)
   * @param renames feature → output name
   * @param defaults feature → value when no row matches
   */
  public record Lookup(
      String table,
      List<String> lookupKeys,
      String timestampLookupKey,
      String lookback,
      List<String> features,
      Map<String, String> renames,
      Map<String, Object> defaults) {}

  /**
   * Shares of the latest label rows, by time, held out for validation and test.
   *
   * @param validation share for validation (default 0.15)
   * @param test share for test (default 0.15)
   */
  public record Split(Double validation, Double test) {}

  /**
   * One MLlib stage.
   *
   * @param name stage name used by the tuning grid (default: the stage type)
   * @param stage type ({@code vector_assembler}, {@code gbt_classifier}…) or a class name
   * @param params MLlib params in snake_case ({@code max_iter: 20})
   */
  public record Stage(String name, String stage, Map<String, JsonNode> params) {}

  /**
   * Hyper-parameter search.
   *
   * @param method {@code validation_split} (fit on train, select on the validation split) or {@code
   *     cross_validator}
   * @param metric metric to select on (default: the first of {@code metrics})
   * @param numFolds folds of {@code cross_validator}
   * @param parallelism candidates fitted at once
   * @param grid {@code <stage name>.<param>} → candidate values
   */
  public record Tuning(
      String method,
      String metric,
      Integer numFolds,
      Integer parallelism,
      Map<String, List<JsonNode>> grid) {}
}
