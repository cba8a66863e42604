package lakeops.exceptions;

/** A value given through the API or CLI is not what the operation expects. */
public class ValidationException extends LakeOpsException {

  /** An error whose {@code message} names the value refused and why. */
  public ValidationException(String message) {
    super(message);
  }

  /**
   * Throws a {@link ValidationException} with a formatted message unless {@code condition} holds,
   * in the manner of Guava's {@code Preconditions.checkArgument}.
   */
  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new ValidationException(String.format(format, args));
    }
  }
}
