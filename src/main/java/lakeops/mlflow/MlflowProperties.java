package lakeops.mlflow;

import java.time.Duration;

/** Names and defaults of the MLflow area. */
public final class MlflowProperties {

  private MlflowProperties() {}

  /** Script that manages the project's own tracking server, relative to the home. */
  public static final String SERVER_SCRIPT = "scripts/mlflow-server";

  /** Environment variable: port of the project's own server. */
  public static final String PORT_ENV = "LAKEOPS_MLFLOW_PORT";

  /** Port of the project's own server when {@link #PORT_ENV} is unset. */
  public static final int PORT_DEFAULT = 5055;

  /** Environment variable: folder of the server's sqlite store and artifacts. */
  public static final String DIR_ENV = "LAKEOPS_MLFLOW_DIR";

  /** Folder of the server's store when {@link #DIR_ENV} is unset, relative to the home. */
  public static final String DIR_DEFAULT = ".lakehouse/mlflow";

  /** Environment variable holding a bearer token for a remote tracking server; never logged. */
  public static final String TOKEN_ENV = "MLFLOW_TRACKING_TOKEN";

  /** How long {@code start} may take, first venv creation included (seconds). */
  public static final int START_TIMEOUT_SECONDS_DEFAULT = 900;

  /**
   * Environment variable: how long a call to the tracking server is retried (seconds) while the
   * server is down, slow or answers 429/5xx; default {@link #RETRY_BUDGET_DEFAULT}.
   */
  public static final String RETRY_SECONDS_ENV = "LAKEOPS_MLFLOW_RETRY_SECONDS";

  /** How long a call is retried when {@link #RETRY_SECONDS_ENV} is unset. */
  public static final Duration RETRY_BUDGET_DEFAULT = Duration.ofSeconds(120);

  /** First wait between attempts; it doubles up to {@link #RETRY_BACKOFF_MAX}. */
  public static final Duration RETRY_BACKOFF_INITIAL = Duration.ofMillis(500);

  /** Longest wait between two attempts. */
  public static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(10);

  /** Timeout of one HTTP request (artifact uploads included). */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** REST prefix of the tracking and registry API. */
  public static final String API_PREFIX = "/api/2.0/mlflow/";

  /** REST prefix of the proxied artifact store ({@code mlflow server --serve-artifacts}). */
  public static final String ARTIFACTS_PREFIX = "/api/2.0/mlflow-artifacts/artifacts";

  /** URI scheme of artifacts held by the proxied store. */
  public static final String ARTIFACTS_SCHEME = "mlflow-artifacts:";

  /** Artifact path of a run's model ({@code runs:/<run>/model}). */
  public static final String MODEL_ARTIFACT_PATH = "model";

  /** Alias of the version serving in an environment. */
  public static final String CHAMPION_ALIAS = "champion";

  /** Alias of a newly trained version waiting for validation. */
  public static final String CHALLENGER_ALIAS = "challenger";

  /** Stages of the (legacy, still served) stage workflow. */
  public static final java.util.List<String> STAGES =
      java.util.List.of("None", "Staging", "Production", "Archived");

  /** Pip requirement of Python MLflow written into models (matches scripts/requirements.txt). */
  public static final String MLFLOW_PIP_REQUIREMENT = "mlflow==3.17.2";

  /** Python version written into a model's {@code python_env.yaml} and {@code conda.yaml}. */
  public static final String PYTHON_VERSION = "3.11";

  /** Folder of the Spark ML {@code PipelineModel} inside an MLflow model ({@code model_data}). */
  public static final String SPARK_MODEL_DATA = "sparkml";

  /** Output column of every LakeOps model; the {@code python_function} flavor returns it. */
  public static final String PREDICTION_COLUMN = "prediction";

  /** Rows of the training data kept as a model's input example. */
  public static final int INPUT_EXAMPLE_ROWS = 10;

  /** Most params (and tags) one {@code runs/log-batch} call may carry. */
  public static final int MAX_PARAMS_PER_BATCH = 100;

  /** Most metrics one {@code runs/log-batch} call may carry. */
  public static final int MAX_METRICS_PER_BATCH = 1000;

  /** Longest param value MLflow stores; longer values are cut. */
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
}
