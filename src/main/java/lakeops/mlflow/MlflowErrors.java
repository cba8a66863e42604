package lakeops.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;

/**
 * Every error of the MLflow area, in the two fixed forms {@code Invalid <thing>: <problem>} and
 * {@code Cannot <verb> <thing>: <reason>}. Failures of the server name the server and the call.
 */
final class MlflowErrors {

  private MlflowErrors() {}

  // The REST client

  /** The server answered {@code call} with a status not worth retrying (a 4xx other than 429). */
  static MlflowRestException refused(
      String call, String server, String failure, int status, String errorCode) {
    return new MlflowRestException(
        String.format("Cannot %s at MLflow server %s: %s", call, server, failure),
        status,
        errorCode,
        null);
  }

  /** {@code call} kept failing for the whole retry budget. */
  static MlflowRestException unreachable(
      String call,
      String server,
      String failure,
      int attempts,
      Duration budget,
      int status,
      String errorCode,
      Throwable cause) {
    return new MlflowRestException(
        String.format(
            "Cannot %s at MLflow server %s: %s (tried %d times over %ds; the server is down or overloaded)",
            call, server, failure, attempts, budget.toSeconds()),
        status,
        errorCode,
        cause);
  }

  static MlflowRestException interrupted(String call, String server, InterruptedException cause) {
    return new MlflowRestException(
        String.format("Cannot %s at MLflow server %s: interrupted", call, server), 0, null, cause);
  }

  static MlflowRestException notJson(String uri, int status, IOException cause) {
    return new MlflowRestException(
        String.format(
            "Cannot read the answer of MLflow server to %s: " + "it is not JSON (%s)",
            uri, cause.getMessage()),
        status,
        null,
        cause);
  }

  static ValidationException badRetrySeconds(String value) {
    return invalid(
        "%s '%s'", "expected a whole number of seconds", MlflowProperties.RETRY_SECONDS_ENV, value);
  }

  static ValidationException negativeRetry(Duration budget, Duration initial, Duration max) {
    return invalid("retry policy", "negative duration in %s, %s, %s", budget, initial, max);
  }

  // The project's own server

  static ValidationException badPort(String value) {
    return invalid("%s '%s'", "expected a port number", MlflowProperties.PORT_ENV, value);
  }

  static LakeOpsException serverTimedOut(String action, String url, Path script, int seconds) {
    return LakeOpsException.of(
        "Cannot %s the MLflow server at %s: %s did not finish in %ds",
        action, url, script, seconds);
  }

  static LakeOpsException serverFailed(
      String action, String url, Path script, int exit, String output) {
    return LakeOpsException.of(
        "Cannot %s the MLflow server at %s: %s exited %d: %s",
        action, url, script, exit, output.strip().replace('\n', ' '));
  }

  static LakeOpsException cannotRun(Path script, String action, Exception cause) {
    return new LakeOpsException(
        String.format(
            "Cannot run %s %s: %s",
            script,
            action,
            cause instanceof InterruptedException ? "interrupted" : cause.getMessage()),
        cause);
  }

  // Models, artifacts, the registry

  static ValidationException modelExists(Path dir) {
    return cannot("write", "MLflow model to %s", "it already holds one", dir);
  }

  static ValidationException noSignatureType(String type) {
    return cannot(
        "write",
        "an MLflow signature for a column of type %s",
        "expected a string, number, boolean, binary or time column",
        type);
  }

  static ValidationException notProxied(String uri) {
    return cannot(
        "reach",
        "artifacts at %s",
        "expected an %s URI of the server's proxied artifact "
            + "store (start the server with --serve-artifacts)",
        uri,
        MlflowProperties.ARTIFACTS_SCHEME);
  }

  static ValidationException noArtifactPath(String uri) {
    return invalid("artifact URI %s", "no path", uri);
  }

  static ValidationException unknownStage(String stage) {
    return invalid("stage '%s'", "expected one of %s", stage, MlflowProperties.STAGES);
  }

  static ValidationException badModelUri(String uri) {
    return invalid(
        "model URI '%s'", "expected models:/<name>/<version> or models:/<name>@<alias>", uri);
  }

  static ValidationException noAlias(String uri, String model, String alias) {
    return cannot("resolve", "%s", "model %s has no alias '%s'", uri, model, alias);
  }

  static ValidationException noVersion(String uri, String model, String which) {
    return cannot("resolve", "%s", "model %s has no version %s", uri, model, which);
  }

  static UncheckedIOException cannot(String what, IOException cause) {
    return new UncheckedIOException("Cannot " + what + ": " + cause.getMessage(), cause);
  }

  private static ValidationException invalid(String thing, String problem, Object... args) {
    return new ValidationException(String.format("Invalid " + thing + ": " + problem, args));
  }

  private static ValidationException cannot(
      String verb, String thing, String reason, Object... args) {
    return new ValidationException(
        String.format("Cannot " + verb + " " + thing + ": " + reason, args));
  }
}
