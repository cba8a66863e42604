package lakeops.ingest;

import lakeops.exceptions.ValidationException;

/** A batch broke an expectation whose action is {@code fail}: nothing of it was written. */
public class ExpectationFailedException extends ValidationException {

  public ExpectationFailedException(String message) {
    super(message);
  }
}
