package lakeops.inference;

/**
 * What one label merge did.
 *
 * @param modelName registered model name whose predictions were labelled
 * @param labelTable the table the labels were read from
 * @param predictionsTable the predictions table
 * @param rowsLabelled prediction rows that got their label (0 when none was new)
 * @param tableVersion the predictions table's Delta version afterwards (-1 if it does not exist)
 */
public record LabelResult(
    String modelName,
    String labelTable,
    String predictionsTable,
    long rowsLabelled,
    long tableVersion) {

  /** One line, as {@code lakeops labels} prints it. */
  public String summary() {
    return rowsLabelled == 0
        ? String.format(
            "Labels of %s from %s: no new labels for %s%n", modelName, labelTable, predictionsTable)
        : String.format(
            "Labels of %s from %s: %d prediction(s) labelled in %s, version %d%n",
            modelName, labelTable, rowsLabelled, predictionsTable, tableVersion);
  }
}
