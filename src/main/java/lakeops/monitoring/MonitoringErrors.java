package lakeops.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import lakeops.exceptions.InvalidConfigException;

/**
 * The user-facing errors and warnings of the monitoring area, in fixed forms: {@code Invalid
 * <thing>: <what is wrong>} and {@code Cannot <verb> <thing>: <reason>}. Errors in a monitor file's
 * keys come from the shared YAML reader, which names file and key.
 */
final class MonitoringErrors {

  private MonitoringErrors() {}

  /** No monitor file {@code file} for {@code name}; {@code known} are the monitors there are. */
  static InvalidConfigException monitorNotFound(String name, Path file, List<String> known) {
    return new InvalidConfigException(
        String.format(
            "Cannot find monitor '%s': expected file %s (monitors here: %s)", name, file, known));
  }

  /** The monitors folder {@code dir} could not be listed. */
  static UncheckedIOException cannotListMonitors(Path dir, IOException cause) {
    return new UncheckedIOException(
        String.format("Cannot list monitors in %s: %s", dir, cause.getMessage()), cause);
  }

  /** The monitored table of {@code monitor} does not exist. */
  static InvalidConfigException tableNotFound(String monitor, String table, String environment) {
    return new InvalidConfigException(
        String.format(
            "Cannot refresh monitor '%s': its table %s does not exist in environment %s",
            monitor, table, environment));
  }

  /** A monitored column the table does not have. */
  static InvalidConfigException columnNotFound(String column, List<String> columns) {
    return new InvalidConfigException(
        String.format(
            "Cannot monitor column '%s': not in the table (columns: %s)", column, columns));
  }

  /** A Spark conf setting of the monitoring area whose value does not parse. */
  static InvalidConfigException invalidSetting(
      String key, String value, String expected, Throwable cause) {
    return new InvalidConfigException(
        String.format("Invalid Spark conf %s: expected %s, got '%s'", key, expected, value), cause);
  }

  /** The report file could not be written. */
  static UncheckedIOException cannotWriteReport(Path file, IOException cause) {
    return new UncheckedIOException(
        String.format("Cannot write monitor report %s: %s", file, cause.getMessage()), cause);
  }

  /** The warning for a setting still given under its {@code deprecated} key. */
  static String deprecatedKey(String deprecated, String key, boolean ignored) {
    return String.format(
        "Spark conf %s is deprecated and will no longer be read in the next release: " + "use %s%s",
        deprecated, key, ignored ? " (set too, so " + deprecated + " is ignored)" : "");
  }
}
