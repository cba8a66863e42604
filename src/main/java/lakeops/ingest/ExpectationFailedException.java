package lakeops.ingest;

import lakeops.exceptions.ValidationException;

/** A batch broke an expectation whose action is {@code fail}: nothing of it was written. */
public class ExpectationFailedException extends ValidationException {

  /** An exception with {@code message}, which names the table, the batch and the broken rules. */
  public ExpectationFailedException(String message) {
    super(message);
  }
}
