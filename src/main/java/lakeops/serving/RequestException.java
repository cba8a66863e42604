package lakeops.serving;

import lakeops.exceptions.ValidationException;

/**
 * A request the server refuses, with the HTTP status and MLflow error code of its answer ({@code
 * {"error_code": "BAD_REQUEST", "message": "..."}}); the message says what was wrong.
 */
final class RequestException extends ValidationException {

  private final int status;
  private final String errorCode;

  RequestException(int status, String errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  int status() {
    return status;
  }

  String errorCode() {
    return errorCode;
  }
}
