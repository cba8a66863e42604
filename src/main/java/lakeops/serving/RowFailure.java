package lakeops.serving;

/**
 * A row that a stage cannot transform where Spark's transform would fail too (an unseen label with
 * {@code handleInvalid = error}, a NaN the assembler refuses): the request that carried it is
 * answered 400 naming the row and the stage.
 */
final class RowFailure extends RuntimeException {

  RowFailure(String message) {
    super(message, null, false, false);
  }
}
