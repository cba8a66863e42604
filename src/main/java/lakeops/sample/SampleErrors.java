package lakeops.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;

/**
 * Every error of the sample data, in the two fixed forms {@code Invalid <thing>: <problem>} and
 * {@code Cannot <verb> <thing>: <reason>}.
 */
final class SampleErrors {

  private SampleErrors() {}

  /** {@code setting} has {@code value}, where {@code expected} is allowed. */
  static ValidationException invalid(String setting, Object value, String expected) {
    return new ValidationException(
        String.format("Invalid %s %s: expected %s", setting, value, expected));
  }

  static ValidationException badFormat(String format) {
    return invalid("format", "'" + format + "'", "parquet, csv or json");
  }

  static UncheckedIOException cannotMove(org.apache.hadoop.fs.Path target, IOException cause) {
    return new UncheckedIOException(
        "Cannot move generated files into " + target + ": " + cause.getMessage(), cause);
  }

  static LakeOpsException cannotWrite(Path folder, IOException cause) {
    return new LakeOpsException(
        "Cannot write the sample flights " + folder + ": " + cause.getMessage(), cause);
  }

  static LakeOpsException cannotList(Path folder, IOException cause) {
    return new LakeOpsException("Cannot list " + folder + ": " + cause.getMessage(), cause);
  }

  static LakeOpsException cannotFetch(Path script, String reason, Exception cause) {
    return new LakeOpsException(
        String.format("Cannot fetch sample data with %s: %s", script, reason), cause);
  }
}
