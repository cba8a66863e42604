package lakeops.inference;

/**
 * Names and defaults of batch inference. The columns of the predictions table are those of the
 * serving inference log ({@code timestamp}, {@code prediction}, {@code probability}, {@code label},
 * {@code model_name}, {@code model_version}), so one inference-log monitor reads either.
 */
public final class InferenceProperties {

  private InferenceProperties() {}

  /** Table, in the environment's catalog, batch predictions are appended to. */
  public static final String PREDICTIONS_TABLE = "ml.predictions";

  /** Alias scored when the model is named without an alias or version. */
  public static final String ALIAS_DEFAULT = "champion";

  /**
   * Prefix of the Delta {@code txnAppId} of a scoring write, followed by the predictions table,
   * input table and model version; the {@code txnVersion} is the input's Delta version.
   */
  public static final String TXN_APP_PREFIX = "lakeops.predict:";

  /** Job group of the Spark jobs of batch inference (the Spark UI shows it). */
  public static final String JOB_GROUP = "lakeops-inference";

  /** Predictions column: the row's event time (the model's timestamp lookup key). */
  public static final String TIMESTAMP = "timestamp";

  /** Predictions column: the prediction. */
  public static final String PREDICTION = "prediction";

  /** Predictions column: the probability of class 1 of a binary classifier, else null. */
  public static final String PROBABILITY = "probability";

  /** Predictions column: the label, null until {@link BatchInference#mergeLabels} sets it. */
  public static final String LABEL = "label";

  /** Predictions column: the registered model's name. */
  public static final String MODEL_NAME = "model_name";

  /** Predictions column: the version that scored the row, as a string (monitors group by it). */
  public static final String MODEL_VERSION = "model_version";

  /** Predictions column: the input table, three-part name. */
  public static final String INPUT_TABLE = "input_table";

  /** Predictions column: the Delta version of the input table that was scored. */
  public static final String INPUT_VERSION = "input_version";

  /** Predictions column: when the run scored the row. */
  public static final String SCORED_AT = "scored_at";

  /** Predictions column: when the label was merged in, null until then. */
  public static final String LABELLED_AT = "labelled_at";

  /** Output column of the model's predictions. */
  static final String MODEL_PREDICTION = "prediction";

  /** Output column of a classifier's class probabilities (a vector). */
  static final String MODEL_PROBABILITY = "probability";
}
