package lakeops.serving;

import java.util.List;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;

/**
 * Every error of online serving, in the fixed forms {@code Invalid <thing>: <problem>} and {@code
 * Cannot <verb> <thing>: <reason>}. Errors of a request carry the HTTP status and MLflow error code
 * the client gets; none of them ever holds the bearer token.
 */
final class ServingErrors {

  static final String BAD_REQUEST = "BAD_REQUEST";

  private ServingErrors() {}

  // Requests

  static RequestException badRequest(String format, Object... args) {
    return new RequestException(
        400, BAD_REQUEST, "Invalid request: " + String.format(format, args));
  }

  static RequestException emptyBody() {
    return badRequest("the body is empty");
  }

  static RequestException notJson(String problem) {
    return badRequest("the body is not valid JSON (%s)", problem);
  }

  static RequestException notCsv(String problem) {
    return badRequest("the body is not valid CSV (%s)", problem);
  }

  static RequestException noFormat(List<String> formats) {
    return badRequest("expected a JSON object with one of %s", formats);
  }

  static RequestException unknownKey(String key, List<String> formats) {
    return badRequest("unknown key '%s' (expected one of %s, and optionally params)", key, formats);
  }

  static RequestException twoFormats(List<String> keys) {
    return badRequest("the body holds %s; send exactly one of them", keys);
  }

  static RequestException notA(String what, String where) {
    return badRequest("%s must be %s", where, what);
  }

  static RequestException unknownColumn(String column, List<String> columns) {
    return badRequest("unknown column '%s' (the model takes %s)", column, columns);
  }

  static RequestException missingColumn(String column, int row) {
    return badRequest("row %d has no column '%s'", row, column);
  }

  static RequestException duplicateColumn(String column) {
    return badRequest("column '%s' is given twice", column);
  }

  static RequestException rowWidth(int row, int width, int expected) {
    return badRequest("row %d has %d values, expected %d", row, width, expected);
  }

  static RequestException badValue(String column, int row, String expected, String got) {
    return badRequest("column '%s' of row %d must be %s, got %s", column, row, expected, got);
  }

  static RequestException requiredNull(String column, int row) {
    return badRequest("column '%s' of row %d is required but null", column, row);
  }

  static RequestException noRows() {
    return badRequest("no rows to score");
  }

  static RequestException tooManyRows(int rows, int max) {
    return badRequest("%d rows, at most %d are allowed per request", rows, max);
  }

  static RequestException tooLarge(long bytes, int max) {
    return new RequestException(
        413,
        BAD_REQUEST,
        String.format(
            "Invalid request: the body has %s bytes, at most %d are allowed",
            bytes < 0 ? "more" : bytes, max));
  }

  static RequestException unsupportedType(String contentType) {
    return new RequestException(
        415,
        BAD_REQUEST,
        String.format(
            "Invalid request: content type '%s'; send application/json or text/csv", contentType));
  }

  static RequestException rowFailed(int row, String stage, String problem) {
    return badRequest("row %d cannot be scored: %s: %s", row, stage, problem);
  }

  static RequestException batchFailed(String stages, String problem) {
    return badRequest("the rows cannot be scored by %s: %s", stages, problem);
  }

  static RequestException rowDropped(int row, String why) {
    return badRequest("row %d cannot be scored: %s", row, why);
  }

  static RequestException unauthenticated() {
    return new RequestException(
        401,
        "UNAUTHENTICATED",
        "Invalid credentials: send the header 'Authorization: Bearer <token>' with the server's token");
  }

  static RequestException notFound(String method, String path) {
    return new RequestException(
        404,
        "ENDPOINT_NOT_FOUND",
        String.format(
            "Invalid endpoint %s %s: the server answers POST /invocations, GET /ping, /health and /version",
            method, path));
  }

  static RequestException wrongMethod(String method, String path, String allowed) {
    return new RequestException(
        405,
        "METHOD_NOT_ALLOWED",
        String.format("Invalid method %s for %s: use %s", method, path, allowed));
  }

  // Options

  static ValidationException invalidOption(String option, Object value, String expected) {
    return new ValidationException(
        String.format("Invalid %s '%s': expected %s", option, value, expected));
  }

  static ValidationException invalidModel(String model) {
    return new ValidationException(
        String.format(
            "Invalid model '%s': expected NAME@ALIAS, NAME/VERSION or models:/NAME@ALIAS", model));
  }

  static LakeOpsException cannotReadToken(String source, String reason) {
    return LakeOpsException.of("Cannot read the bearer token from %s: %s", source, reason);
  }

  // Models

  static LakeOpsException cannotLoad(String model, String reason, Throwable cause) {
    return new LakeOpsException(String.format("Cannot load %s: %s", model, reason), cause);
  }

  static LakeOpsException noSignature(String model) {
    return LakeOpsException.of(
        "Cannot serve %s: its MLmodel has no column signature of its inputs", model);
  }

  static LakeOpsException unsupportedColumnType(String model, String column, String type) {
    return LakeOpsException.of(
        "Cannot serve %s: input column %s has MLflow type '%s' (expected string, "
            + "double, float, integer, long, boolean, binary or datetime)",
        model, column, type);
  }

  static LakeOpsException cannotStart(String address, Throwable cause) {
    return new LakeOpsException(
        String.format("Cannot start the server on %s: %s", address, cause.getMessage()), cause);
  }

  // Inference log

  static LakeOpsException logTypeClash(String table, String column, String there, String here) {
    return LakeOpsException.of(
        "Cannot log inferences to %s: column %s is %s there but %s in the " + "model's inputs",
        table, column, there, here);
  }
}
