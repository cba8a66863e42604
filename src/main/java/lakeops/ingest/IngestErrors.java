package lakeops.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;

/**
 * Every error of ingestion, expectations and the medallion steps, in the two fixed forms {@code
 * Invalid <thing>: <problem>} and {@code Cannot <verb> <thing>: <reason>}. Problems of an
 * expectations file are reported through its {@link lakeops.config.YamlConfig}.
 */
final class IngestErrors {

  private IngestErrors() {}

  // Names, sources, formats

  static ValidationException badNamePart(String part) {
    return invalid("table name part '%s'", "use letters, digits and underscores", part);
  }

  static ValidationException badTableName(String name, String expected) {
    return invalid("table name '%s'", "expected %s", name, expected);
  }

  static ValidationException catalogNotVisible(
      TableName table, String catalog, String environment) {
    return invalid(
        "table %s", "catalog '%s' is not visible in environment %s", table, catalog, environment);
  }

  static ValidationException badFormat(String name) {
    return invalid("format '%s'", "expected parquet, csv or json", name);
  }

  static ValidationException noFormat() {
    return new ValidationException("Invalid format: expected parquet, csv or json");
  }

  static ValidationException noSource() {
    return new ValidationException("Invalid source: expected a folder");
  }

  static ValidationException notAFolder(String source) {
    return invalid("source %s", "not a folder", source);
  }

  static ValidationException noFormatToDetect(String source) {
    return invalid(
        "source %s",
        "no .parquet, .csv or .json file to tell its format from (give --format)", source);
  }

  static ValidationException nothingToInfer(String source) {
    return invalid("source %s", "no columns to infer a schema from", source);
  }

  static ValidationException cannotInfer(String source, Exception cause) {
    return invalid(
        "source %s",
        "cannot infer its schema (%s); add files or give a schema",
        source,
        String.valueOf(cause.getMessage()).lines().findFirst().orElse(""));
  }

  static ValidationException schemaChanged(TableName table, String fixed, String given) {
    return invalid(
        "schema for %s",
        "the table was first ingested with %s, which is enforced; got %s", table, fixed, given);
  }

  static ValidationException badMaxFiles(int files) {
    return invalid("max files per batch %d", "expected 1 or more", files);
  }

  static ValidationException noTarget(String step, String source) {
    return invalid("%s of %s", "no target table (call into)", step, source);
  }

  static UncheckedIOException cannot(String what, IOException cause) {
    return new UncheckedIOException("Cannot " + what + ": " + cause.getMessage(), cause);
  }

  // Expectations and silver specs

  static ValidationException badAction(String name) {
    return invalid("action '%s'", "expected warn, drop or fail", name);
  }

  static ValidationException badExpectationName(String name) {
    return invalid("expectation name '%s'", "use letters, digits and underscores", name);
  }

  static ValidationException noRule(String name) {
    return invalid("expectation %s", "expected a SQL boolean rule", name);
  }

  static ValidationException noAction(String name) {
    return invalid("expectation %s", "expected an action", name);
  }

  static ValidationException badSilverSource(String source) {
    return invalid("silver source '%s'", "expected schema.table", source);
  }

  static ValidationException noColumns(String source) {
    return invalid("silver spec of %s", "expected at least one column", source);
  }

  static ValidationException duplicateExpectations(String source) {
    return invalid("silver spec of %s", "expectation names must be unique", source);
  }

  static ValidationException noSilverSpec() {
    return new ValidationException("Invalid silver refinement: expected a spec");
  }

  // Running the steps

  static ValidationException missingSource(String step, TableName source, String hint) {
    return invalid("%s source %s", "the table does not exist (%s)", step, source, hint);
  }

  /**
   * A batch broke {@code fail} expectations ({@code broken}, one text each): nothing was written.
   */
  static ExpectationFailedException expectationsFailed(
      TableName table, long batchId, List<String> broken) {
    return new ExpectationFailedException(
        String.format(
            "Cannot write batch %d of %s: %s %s; nothing " + "written",
            batchId,
            table,
            broken.size() == 1 ? "expectation" : "expectations",
            String.join("; ", broken)));
  }

  /**
   * A streaming step failed: LakeOps' own error inside {@code error}'s causes as it is, else {@code
   * error} as {@code Cannot <doing>: <its first line>}.
   */
  static RuntimeException stepFailed(String doing, Exception error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof LakeOpsException own) {
        return own;
      }
    }
    String message =
        error.getMessage() == null
            ? error.getClass().getName()
            : error.getMessage().lines().findFirst().orElse("");
    return new LakeOpsException("Cannot " + doing + ": " + message, error);
  }

  private static ValidationException invalid(String thing, String problem, Object... args) {
    return new ValidationException(String.format("Invalid " + thing + ": " + problem, args));
  }
}
