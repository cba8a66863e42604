package lakeops.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import lakeops.exceptions.InvalidConfigException;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;

/**
 * Every error of training, in the two fixed forms {@code Invalid <thing>: <problem>} and {@code
 * Cannot <verb> <thing>: <reason>}. Problems of a model file are reported through its {@link
 * lakeops.config.YamlConfig}, naming the file and the key.
 */
final class TrainingErrors {

  private TrainingErrors() {}

  /** A model spec built in code (no file) breaks a rule a model file is held to. */
  static InvalidConfigException invalidSpec(String model, String problem) {
    return new InvalidConfigException(String.format("Invalid model spec %s: %s", model, problem));
  }

  static ValidationException invalidLookback(String text) {
    return invalid("lookback '%s'", "expected a duration such as 28d, 12h or P28D", text);
  }

  static ValidationException unknownStage(String stage, Collection<String> types) {
    return invalid("stage '%s'", "expected a class name or one of %s", stage, types);
  }

  static ValidationException cannotCreateStage(String stage, String className, Exception cause) {
    return invalid(
        "stage '%s'", "cannot create %s (%s)", stage, className, cause.getClass().getSimpleName());
  }

  static ValidationException unknownParam(String param, String stage, Collection<String> known) {
    return invalid("param '%s' of %s", "known params are %s", param, stage, known);
  }

  static ValidationException badParamValue(String json, String where, String why) {
    return invalid("value %s for %s", "%s", json, where, why);
  }

  static ValidationException noGridStage(String key, String stage) {
    return invalid("tuning grid key %s", "no stage named %s", key, stage);
  }

  static ValidationException noGridValues(String key) {
    return invalid("tuning grid key %s", "no values", key);
  }

  static ValidationException badSplit(double validation, double test) {
    return invalid(
        "split",
        "validation %s and test %s must be shares with validation + test < 1",
        validation,
        test);
  }

  /** The label or feature tables of a model are not there: the job that builds them did not run. */
  static ValidationException missingTables(String model, List<String> missing, String environment) {
    return new ValidationException(
        String.format(
            "Cannot train model %s: missing tables %s (build them first: lakeops gold --env %s,"
                + " then lakeops features compute --env %s)",
            model, missing, environment, environment));
  }

  static ValidationException noTimes(String column) {
    return new ValidationException(
        String.format("Cannot split the training set on %s: it has no rows with a time", column));
  }

  static ValidationException notABundle(Path dir) {
    return invalid(
        "model folder %s",
        "expected %s and model/MLmodel (a folder under .lakehouse/%s/)",
        dir,
        TrainingProperties.BUNDLE_FILE,
        TrainingProperties.BUNDLES_DIR);
  }

  static ValidationException alreadyLogged(Path dir, String runId, int version, String model) {
    return new ValidationException(
        String.format(
            "Cannot log model folder %s: it was logged already as run %s (version %d of %s)",
            dir, runId, version, model));
  }

  /** Publishing failed: the model stays in its bundle, and the message says how to log it later. */
  static LakeOpsException cannotLog(
      String model, Path bundleDir, String environment, Exception cause) {
    return new LakeOpsException(
        String.format(
            "Cannot log model %s: %s. The trained model is kept in %s; log it later with: "
                + "lakeops models relog --env %s %s",
            model, cause.getMessage(), bundleDir, environment, bundleDir),
        cause);
  }

  static UncheckedIOException cannotWrite(String what, IOException cause) {
    return new UncheckedIOException("Cannot write " + what + ": " + cause.getMessage(), cause);
  }

  static UncheckedIOException cannotRead(Path file, IOException cause) {
    return new UncheckedIOException("Cannot read " + file + ": " + cause.getMessage(), cause);
  }

  private static ValidationException invalid(String thing, String problem, Object... args) {
    return new ValidationException(String.format("Invalid " + thing + ": " + problem, args));
  }
}
