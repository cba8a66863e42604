package lakeops.mlflow;

import lakeops.exceptions.LakeOpsException;

/**
 * The MLflow server answered a request with an error (HTTP status and MLflow error code such as
 * {@code RESOURCE_ALREADY_EXISTS}), or could not be reached within the retry budget (status 0).
 */
public class MlflowRestException extends LakeOpsException {

  private final int statusCode;
  private final String errorCode;

  /**
   * An error of a call: HTTP status (0 when there was no answer), MLflow error code (may be null).
   */
  public MlflowRestException(String message, int statusCode, String errorCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.errorCode = errorCode == null ? "" : errorCode;
  }

  /** HTTP status of the answer, 0 when the server never answered. */
  public int statusCode() {
    return statusCode;
  }

  /** MLflow's error code ({@code RESOURCE_DOES_NOT_EXIST}…), empty when there was none. */
  public String errorCode() {
    return errorCode;
  }

  /** Whether the server answered with MLflow error {@code code}. */
  public boolean is(String code) {
    return errorCode.equals(code);
  }

  /** Whether the server could not be reached (down, or slow past the retry budget). */
  public boolean unreachable() {
    return statusCode == 0;
  }
}
