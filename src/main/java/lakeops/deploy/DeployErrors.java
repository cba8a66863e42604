package lakeops.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import lakeops.exceptions.InvalidConfigException;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;

/**
 * Every error of deployment, in the fixed forms {@code Invalid <thing>: <problem>} and {@code
 * Cannot <verb> <thing>: <reason>}. Problems of a deployment file come from its {@link
 * lakeops.config.YamlConfig}, naming the file and the key.
 */
final class DeployErrors {

  private DeployErrors() {}

  /** A validation (or the one a promotion ran) failed: the failing checks, named. */
  static ValidationException failedChecks(
      String verb, String model, int version, List<CheckResult> failed) {
    return new ValidationException(
        String.format(
            "Cannot %s model %s version %d: failing checks: %s",
            verb,
            model,
            version,
            String.join(
                "; ",
                failed.stream()
                    .map(c -> c.name() + " = " + c.value() + " (needs " + c.threshold() + ")")
                    .toList())));
  }

  static ValidationException noModel(String verb, String model) {
    return new ValidationException(
        String.format("Cannot %s model %s: no such registered model", verb, model));
  }

  static ValidationException noVersions(String verb, String model) {
    return new ValidationException(
        String.format("Cannot %s model %s: it has no versions", verb, model));
  }

  static ValidationException notPending(String verb, String model, int version, String status) {
    return new ValidationException(
        String.format(
            "Cannot %s model %s version %d: it is not waiting for approval (status: %s)",
            verb, model, version, status == null ? "none" : status));
  }

  static ValidationException nonePending(String verb, String model) {
    return new ValidationException(
        String.format("Cannot %s model %s: no version is waiting for approval", verb, model));
  }

  static ValidationException noChampion(String verb, String model) {
    return new ValidationException(
        String.format("Cannot %s model %s: it has no champion", verb, model));
  }

  static ValidationException noPreviousChampion(String model, int version) {
    return new ValidationException(
        String.format(
            "Cannot roll back model %s: champion version %d records no previous champion (tag %s)",
            model, version, DeployProperties.PREVIOUS_CHAMPION_TAG));
  }

  static ValidationException noLabels(String model, String table) {
    return new ValidationException(
        String.format(
            "Cannot validate model %s: the holdout from %s has no labelled rows", model, table));
  }

  static ValidationException noSource(String model, String environment, String which) {
    return new ValidationException(
        String.format("Cannot copy model %s from %s: no version %s", model, environment, which));
  }

  static LakeOpsException differentServers(String model, String from, String to) {
    return new LakeOpsException(
        String.format(
            "Cannot copy model %s: the source (%s) and target (%s) use different tracking servers;"
                + " copy between servers is not supported, train in the target environment instead",
            model, from, to));
  }

  static InvalidConfigException unknownMetric(String key, String metric, Collection<String> known) {
    return new InvalidConfigException(
        String.format("Invalid metric '%s' of %s: known metrics are %s", metric, key, known));
  }

  static InvalidConfigException badThreshold(String text) {
    return new InvalidConfigException(
        String.format(
            "Invalid threshold '%s': expected '<metric> <op> <number>' with op one of >=, >, <=,"
                + " <, == (e.g. 'test_areaUnderROC >= 0.68')",
            text));
  }

  static UncheckedIOException cannotRead(String what, IOException cause) {
    return new UncheckedIOException("Cannot read " + what + ": " + cause.getMessage(), cause);
  }
}
