package lakeops.inference;

import java.io.IOException;
import java.util.List;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.SchemaMismatchException;

/**
 * Every error of batch inference, in the two fixed forms {@code Invalid <thing>: <problem>} and
 * {@code Cannot <verb> <thing>: <reason>}, each naming the model, table and columns involved.
 */
final class InferenceErrors {

  private InferenceErrors() {}

  /** An input whose columns do not fit the model: nothing is scored. */
  static SchemaMismatchException mismatchedInput(
      String inputTable, String model, List<String> missing, List<String> mistyped) {
    StringBuilder problems = new StringBuilder();
    if (!missing.isEmpty()) {
      problems.append("missing column(s) ").append(String.join(", ", missing));
    }
    if (!mistyped.isEmpty()) {
      problems.append(problems.length() == 0 ? "" : "; ").append("mistyped column(s) ");
      problems.append(String.join(", ", mistyped));
    }
    return new SchemaMismatchException(
        String.format(
            "Invalid input %s for model %s: %s; nothing was written", inputTable, model, problems));
  }

  static LakeOpsException noInputTable(String inputTable) {
    return LakeOpsException.of(
        "Cannot score %s: it is not a Delta table of the session's catalogs", inputTable);
  }

  static LakeOpsException badModelReference(String reference) {
    return LakeOpsException.of(
        "Invalid model '%s': expected NAME, NAME@ALIAS, NAME/VERSION or a models:/ URI", reference);
  }

  static LakeOpsException noSignature(String model) {
    return LakeOpsException.of(
        "Cannot score with model %s: its MLmodel has no column signature of inputs", model);
  }

  static LakeOpsException unsupportedSignatureType(String model, String column, String type) {
    return LakeOpsException.of(
        "Cannot score with model %s: input column %s has MLflow type '%s', which batch inference "
            + "does not read",
        model, column, type);
  }

  static LakeOpsException cannotDownload(String model, IOException cause) {
    return new LakeOpsException(
        String.format("Cannot download model %s: %s", model, cause.getMessage()), cause);
  }

  static LakeOpsException noLabelKeys(String model) {
    return LakeOpsException.of(
        "Cannot merge the labels of model %s: its config names no lookup keys or timestamp, so "
            + "predictions cannot be matched to label rows",
        model);
  }

  static SchemaMismatchException missingLabelColumns(
      String model, String table, List<String> columns) {
    return new SchemaMismatchException(
        String.format(
            "Cannot merge the labels of model %s: %s has no column(s) %s",
            model, table, String.join(", ", columns)));
  }

  static LakeOpsException cannotReadModelConfig(String model, String reason) {
    return LakeOpsException.of("Cannot merge the labels of model %s: %s", model, reason);
  }
}
