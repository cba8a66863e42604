package lakeops.inference;

/**
 * What one scoring run did.
 *
 * @param modelName registered model name
 * @param modelVersion the version the model reference resolved to
 * @param inputTable the input table, three-part name
 * @param inputVersion the Delta version of the input that was scored
 * @param predictionsTable the table the predictions went to
 * @param rowsWritten prediction rows appended (0 when there was nothing new)
 * @param alreadyScored whether this input version had been scored by this model version before, so
 *     nothing was read or written
 * @param tableVersion the predictions table's Delta version afterwards (-1 if it does not exist)
 */
public record ScoringResult(
    String modelName,
    int modelVersion,
    String inputTable,
    long inputVersion,
    String predictionsTable,
    long rowsWritten,
    boolean alreadyScored,
    long tableVersion) {

  /** One line, as {@code lakeops predict} prints it. */
  public String summary() {
    String what =
        alreadyScored
            ? "already scored, nothing written"
            : rowsWritten == 0
                ? "no new rows, nothing written"
                : rowsWritten + " prediction(s) written, version " + tableVersion;
    return String.format(
        "Scored %s@%d with %s version %d into %s: %s%n",
        inputTable, inputVersion, modelName, modelVersion, predictionsTable, what);
  }
}
