package lakeops.access;

import java.util.Collection;
import lakeops.exceptions.LakeOpsException;

/**
 * An environment tried to read or change data it may not. One message shape, as Trino's {@code
 * AccessDeniedException}: {@code AccessDenied: environment 'dev' may not MERGE INTO
 * prod.features.flight_features (writable only from: prod)}.
 */
public class AccessDeniedException extends LakeOpsException {

  /** Message prefix of every refusal. */
  public static final String PREFIX = "AccessDenied: ";

  private final String environment;
  private final String operation;
  private final String target;

  private AccessDeniedException(String environment, String operation, String target, String reason) {
    super(String.format("%senvironment '%s' may not %s %s (%s)", PREFIX, environment, operation, target,
        reason));
    this.environment = environment;
    this.operation = operation;
    this.target = target;
  }

  /** {@code environment} may not change {@code target}; {@code writers} may. */
  public static AccessDeniedException write(
      String environment, String operation, String target, Collection<String> writers) {
    return new AccessDeniedException(environment, operation, target,
        "writable only from: " + list(writers));
  }

  /** {@code environment} may not read {@code target}; {@code readers} may. */
  public static AccessDeniedException read(
      String environment, String target, Collection<String> readers) {
    return new AccessDeniedException(environment, Operation.READ, target,
        "readable only from: " + list(readers));
  }

  public String environment() {
    return environment;
  }

  public String operation() {
    return operation;
  }

  public String target() {
    return target;
  }

  private static String list(Collection<String> environments) {
    return environments.isEmpty() ? AccessProperties.NOBODY : String.join(", ", environments);
  }
}
