package lakeops.access;

/**
 * Every setting name of the access area. The policy of a session travels in its Spark conf (and so
 * in every Hadoop conf built from it), so plan checks and file systems need no environment files.
 */
public final class AccessProperties {

  private AccessProperties() {}

  /** Prefix of the access settings of a session. */
  public static final String PREFIX = "spark.lakeops.access.";

  /** Comma-separated catalogs the session's environment may read. */
  public static final String READ = PREFIX + "read";

  /** Comma-separated catalogs the session's environment may write. */
  public static final String WRITE = PREFIX + "write";

  /** {@code ROOT_PREFIX + <catalog>}: storage root of every environment's catalog. */
  public static final String ROOT_PREFIX = PREFIX + "root.";

  /**
   * {@code WRITERS_PREFIX + <catalog>}: comma-separated environments that may write the catalog.
   */
  public static final String WRITERS_PREFIX = PREFIX + "writers.";

  /** {@code READERS_PREFIX + <catalog>}: comma-separated environments that may read the catalog. */
  public static final String READERS_PREFIX = PREFIX + "readers.";

  /**
   * Comma-separated storage roots the session may not change, read by {@link
   * ReadOnlyRootsFileSystem} from the Hadoop conf.
   */
  public static final String READ_ONLY_ROOTS = PREFIX + "readOnlyRoots";

  /** Environment named in file-system refusals (the Hadoop conf's copy of the session's). */
  public static final String ENVIRONMENT = "spark.lakeops.environment";

  /** Class of Spark's session extension that checks plans. */
  public static final String EXTENSION = "lakeops.access.AccessControlExtension";

  /** Schema of the audit table in each environment's own catalog. */
  public static final String AUDIT_SCHEMA = "lakeops";

  /** Table of refused attempts: {@code <env>.lakeops.access_audit}. */
  public static final String AUDIT_TABLE = "access_audit";

  /** Writers shown when no environment may write a target. */
  public static final String NOBODY = "none";
}
