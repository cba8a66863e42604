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

  private static AccessDeniedException of(
      String environment, String operation, String target, String reason) {
    return new AccessDeniedException(
        String.format(
            "%senvironment '%s' may not %s %s (%s)",
            PREFIX, environment, operation, target, reason),
        environment,
        operation,
        target);
  }

  private AccessDeniedException(
      String message, String environment, String operation, String target) {
    super(message);
    this.environment = environment;
    this.operation = operation;
    this.target = target;
  }

  /** {@code environment} may not change {@code target}; {@code writers} may. */
  public static AccessDeniedException write(
      String environment, String operation, String target, Collection<String> writers) {
    return of(environment, operation, target, "writable only from: " + list(writers));
  }

  /** {@code environment} may not read {@code target}; {@code readers} may. */
  public static AccessDeniedException read(
      String environment, String target, Collection<String> readers) {
    return of(environment, Operation.READ, target, "readable only from: " + list(readers));
  }

  /** {@code environment} may not change {@code table}: the access audit only grows. */
  public static AccessDeniedException appendOnly(
      String environment, String operation, String table) {
    return of(environment, operation, table, "the access audit is append-only");
  }

  /**
   * {@code environment} may not change session setting {@code key} ({@code verb} is SET, RESET or
   * OPTION): access settings, catalogs and file-system implementations are fixed when the session
   * is built.
   */
  public static AccessDeniedException setting(String environment, String verb, String key) {
    return of(environment, verb, key, "fixed when the session is built");
  }

  /** This refusal, saying that it could not be written to the audit table and why. */
  public AccessDeniedException notAudited(String reason) {
    String oneLine = reason == null ? "unknown error" : reason.replaceAll("\\s+", " ").strip();
    AccessDeniedException copy =
        new AccessDeniedException(
            getMessage() + " [not audited: " + oneLine + "]", environment, operation, target);
    copy.setStackTrace(getStackTrace());
    return copy;
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
