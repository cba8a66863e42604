package lakeops.exceptions;

/** Data offered to a table does not fit its schema (a column with another type, a missing key). */
public class SchemaMismatchException extends LakeOpsException {

  /** An error whose {@code message} names the table and the column. */
  public SchemaMismatchException(String message) {
    super(message);
  }
}
