package lakeops.sqlserver;

import java.nio.file.Path;
import lakeops.exceptions.InvalidConfigException;
import lakeops.exceptions.LakeOpsException;

/** The errors of the SQL endpoint, in their fixed forms. */
final class SqlServerErrors {

  private SqlServerErrors() {}

  static InvalidConfigException invalidPort(int port) {
    return new InvalidConfigException("Invalid SQL endpoint port: " + port + " (0 to 65535)");
  }

  static InvalidConfigException invalidHost(String host) {
    return new InvalidConfigException("Invalid SQL endpoint address: '" + host + "'");
  }

  static InvalidConfigException invalidToken(String source, String reason) {
    return new InvalidConfigException("Invalid SQL endpoint token from " + source + ": " + reason);
  }

  static InvalidConfigException cannotReadToken(Path file, Exception cause) {
    return new InvalidConfigException(
        "Invalid SQL endpoint token file " + file + ": " + cause.getMessage(), cause);
  }

  static LakeOpsException noEnvironment() {
    return new LakeOpsException(
        "Cannot start SQL endpoint: the session belongs to no environment "
            + "(build it with SessionFactory)");
  }

  static LakeOpsException alreadyRunning(String environment, int port) {
    return new LakeOpsException(
        "Cannot start SQL endpoint: this JVM already serves environment '"
            + environment
            + "' on port "
            + port
            + " (one Spark Connect server per JVM)");
  }

  static LakeOpsException otherEnvironment(String environment, String first) {
    return new LakeOpsException(
        "Cannot start SQL endpoint of environment '"
            + environment
            + "': this JVM served environment '"
            + first
            + "' before, and Spark Connect keeps its first base session; use another process");
  }

  static LakeOpsException wrongBaseSession(String environment, String found) {
    return new LakeOpsException(
        "Cannot start SQL endpoint of environment '"
            + environment
            + "': its client sessions would belong to '"
            + found
            + "'");
  }

  static LakeOpsException cannotStart(String address, Throwable cause) {
    return new LakeOpsException(
        "Cannot start SQL endpoint on " + address + ": " + message(cause), cause);
  }

  private static String message(Throwable cause) {
    Throwable shown = cause;
    while (shown.getCause() != null && shown.getMessage() == null) {
      shown = shown.getCause();
    }
    return shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
  }
}
