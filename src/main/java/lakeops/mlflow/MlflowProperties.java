package lakeops.mlflow;

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
}
