package lakeops.training;

/** Names and defaults of training: model config files, local model bundles, run tags. */
final class TrainingProperties {

  private TrainingProperties() {}

  /** Name of the label column every training set gets (from {@code labels.label}). */
  public static final String LABEL_COLUMN = "label";

  /** Task when a model file names none: {@code classification} (or {@code regression}). */
  public static final String TASK_DEFAULT = "classification";

  /**
   * Share of the latest label rows held out for validation when {@code split.validation} is unset.
   */
  public static final double VALIDATION_FRACTION_DEFAULT = 0.15;

  /** Share of the latest label rows held out for test when {@code split.test} is unset. */
  public static final double TEST_FRACTION_DEFAULT = 0.15;

  /**
   * Tuning method when {@code tuning.method} is unset: fit on train, select on the time-based
   * validation split.
   */
  public static final String TUNING_METHOD_DEFAULT = "validation_split";

  /** Folds of {@code tuning.method: cross_validator} when {@code tuning.num_folds} is unset. */
  public static final int NUM_FOLDS_DEFAULT = 3;

  /** Candidates fitted at once when {@code tuning.parallelism} is unset. */
  public static final int PARALLELISM_DEFAULT = 1;

  /** Seed of cross-validation folds. */
  public static final long SEED = 42L;

  /**
   * Folder, under the home's {@code .lakehouse}, keeping every trained model (one bundle per
   * training run: the MLflow model, artifacts and the run record), so a run can be re-logged.
   */
  public static final String BUNDLES_DIR = "_models";

  /** File of a bundle holding its run record and what was published. */
  public static final String BUNDLE_FILE = "bundle.json";

  /**
   * Environment variable a job runner sets to the job run id; logged as tag {@link #JOB_RUN_TAG}.
   */
  public static final String JOB_RUN_ID_ENV = lakeops.jobs.JobProperties.JOB_RUN_ID_ENV;

  /** Run tag: the environment that trained the model. */
  public static final String ENVIRONMENT_TAG = "lakeops.environment";

  /** Run tag: the job run that trained the model, when a job did. */
  public static final String JOB_RUN_TAG = "lakeops.job_run_id";

  /** Run tag: the model config file. */
  public static final String CONFIG_TAG = "lakeops.model_config";

  /** Version tag: the Delta versions of the feature tables the version was trained on (JSON). */
  public static final String FEATURE_VERSIONS_TAG = "lakeops.feature_table_versions";

  /** Artifact of a run holding its model config file (or the spec it was trained from, as YAML). */
  public static final String MODEL_CONFIG_ARTIFACT = "model_config.yml";

  /** File of a model holding the pipeline's predictions on its input example, in example order. */
  public static final String EXAMPLE_PREDICTIONS_FILE = "input_example_predictions.json";
}
