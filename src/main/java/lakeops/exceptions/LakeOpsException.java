package lakeops.exceptions;

/**
 * Base of every error LakeOps reports to a user: bad input, bad configuration, a refused operation.
 *
 * <p>The message is complete on its own and fits on one line; the CLI prints it without a stack
 * trace (unless {@code --verbose}). Failures of outside systems are wrapped with what LakeOps was
 * trying to do.
 */
public class LakeOpsException extends RuntimeException {

  /** An error with a complete one-line {@code message}. */
  public LakeOpsException(String message) {
    super(message);
  }

  /** An error with a complete one-line {@code message}, caused by {@code cause}. */
  public LakeOpsException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Builds an exception whose message is {@code String.format(format, args)}. */
  public static LakeOpsException of(String format, Object... args) {
    return new LakeOpsException(String.format(format, args));
  }
}
