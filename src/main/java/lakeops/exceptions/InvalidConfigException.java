package lakeops.exceptions;

/**
 * A configuration file (an environment, a job, a monitor…) is missing, malformed, or holds a bad
 * value.
 *
 * <p>The message always names the file and, where there is one, the key: {@code Invalid environment
 * file environments/dev.yml: unknown key 'catalogs.wrte' (line 6)}.
 */
public class InvalidConfigException extends LakeOpsException {

  /** An error whose {@code message} names the file and the key. */
  public InvalidConfigException(String message) {
    super(message);
  }

  /** An error whose {@code message} names the file and the key, caused by {@code cause}. */
  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
