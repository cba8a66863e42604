package lakeops.exceptions;

/**
 * A configuration file (an environment, a job, a monitor…) is missing, malformed, or holds a bad value.
 *
 * <p>The message always names the file and, where there is one, the key: {@code Invalid environment
 * file environments/dev.yml: unknown key 'catalogs.wrte' (line 6)}.
 */
public class InvalidConfigException extends LakeOpsException {

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
