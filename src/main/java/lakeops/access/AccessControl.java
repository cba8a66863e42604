package lakeops.access;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lakeops.env.Environment;
import lakeops.env.Environment.S3Settings;
import lakeops.env.Environments;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.runtime.BoxedUnit;

/**
 * Entry points of environment access control: the Spark settings that install it in an
 * environment's session, the policy of a running session, and what an environment may do with a
 * table ({@code lakeops access check}).
 */
public final class AccessControl {

  private AccessControl() {}

  /**
   * The Spark settings of environment {@code env}'s session: its policy (session conf), the
   * read-only storage layer for {@code file:} roots, and per-bucket read-only credentials for
   * {@code s3a://} roots it may read but not write. Add {@link AccessProperties#EXTENSION} to
   * {@code spark.sql.extensions} as well, and build the session with {@link #sessionExtension}.
   */
  public static Map<String, String> sparkConf(Environments environments, Environment env) {
    AccessPolicy policy = AccessPolicy.of(environments, env.name());
    Map<String, String> conf = new LinkedHashMap<>(policy.toConf());
    conf.put("spark.hadoop.fs.file.impl", ReadOnlyRootsFileSystem.class.getName());
    conf.put("spark.hadoop.fs.file.impl.disable.cache", "true");
    conf.put("spark.hadoop.fs.AbstractFileSystem.file.impl", ReadOnlyRootsFs.class.getName());
    // JVM-wide default (SparkContext's Hadoop conf): the environment the context was started for.
    // Each session's own conf overrides it in every Hadoop conf built for that session.
    conf.put(
        "spark.hadoop." + AccessProperties.READ_ONLY_ROOTS,
        conf.get(AccessProperties.READ_ONLY_ROOTS));
    conf.put("spark.hadoop." + AccessProperties.ENVIRONMENT, env.name());
    conf.putAll(readOnlyS3Credentials(environments, env));
    return conf;
  }

  /**
   * The session extension that binds a session to environment {@code env}'s policy, for {@code
   * SparkSession.Builder.withExtensions}: the policy holds for the session and every session
   * derived from it ({@code newSession()}, {@code cloneSession()}) and nothing in their conf can
   * change it. When each such session's state is built, {@code settings} are set in its conf and
   * {@code removed} unset, bypassing the refusal of user changes; both become unchangeable by
   * users.
   */
  public static scala.Function1<SparkSessionExtensions, BoxedUnit> sessionExtension(
      Environments environments,
      Environment env,
      Map<String, String> settings,
      Set<String> removed) {
    Set<String> fixed = new LinkedHashSet<>(settings.keySet());
    fixed.addAll(removed);
    AccessSettings.fix(fixed);
    return new AccessControlExtension(
        new SessionPolicies.Binding(
            AccessPolicy.of(environments, env.name()), Map.copyOf(settings), Set.copyOf(removed)));
  }

  /** The policy a session is held to: its environment's, or none may be written if it has none. */
  public static AccessPolicy policy(SparkSession spark) {
    return SessionPolicies.binding(((org.apache.spark.sql.classic.SparkSession) spark).extensions())
        .map(SessionPolicies.Binding::policy)
        .orElseGet(SessionPolicies::unbound);
  }

  /** The environment a session belongs to, as its policy names it. */
  public static String environment(SparkSession spark) {
    return policy(spark).environment();
  }

  /**
   * The catalog's own check of a change it is asked to make at {@code location}, for callers that
   * reach a catalog while a plan is still being analyzed (Delta creates a CLONE's target table
   * during analysis, before the plan check runs). Both the name and the folder (links followed)
   * must be writable. Audits and throws when the session's environment may not write there.
   */
  public static void checkCatalogWrite(
      SparkSession spark, String operation, String catalog, String name, String location) {
    AccessPolicy policy = policy(spark);
    try {
      policy.checkWrite(operation, policy.targetInCatalog(catalog, name));
      policy.checkWrite(operation, policy.targetOfPath(location));
    } catch (AccessDeniedException denied) {
      Optional<String> failure =
          AccessAudit.record(spark, denied, "catalog " + catalog + ": " + operation + " " + name);
      throw failure.map(denied::notAudited).orElse(denied);
    }
  }

  /** What environment {@code name} may do with {@code target}: a table name or a path. */
  public static AccessCheck check(Environments environments, String name, String target) {
    AccessPolicy policy = AccessPolicy.of(environments, name);
    Target resolved = target.contains("/") ? policy.targetOfPath(target) : named(policy, target);
    return new AccessCheck(
        name,
        resolved,
        policy.canRead(resolved),
        policy.canWrite(resolved),
        policy.readersOf(resolved),
        policy.writersOf(resolved),
        resolved.catalog() == null ? null : environments.storageRoot(resolved.catalog()));
  }

  private static Target named(AccessPolicy policy, String target) {
    int dot = target.indexOf('.');
    return dot < 0
        ? policy.targetInCatalog(target, "")
        : policy.targetInCatalog(target.substring(0, dot), target.substring(dot + 1));
  }

  /**
   * hadoop-aws per-bucket settings: the bucket of each {@code s3a://} catalog {@code env} may read
   * but not write is reached with that catalog's {@code storage.s3.read_only_*} credentials.
   */
  static Map<String, String> readOnlyS3Credentials(Environments environments, Environment env) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String catalog : env.visibleCatalogs()) {
      Environment owner = environments.get(catalog);
      S3Settings s3 = owner.storage().s3();
      if (env.canWrite(catalog)
          || !owner.storageRoot().startsWith("s3a://")
          || s3 == null
          || s3.readOnlyAccessKey() == null
          || s3.readOnlyAccessKey().isBlank()) {
        continue;
      }
      String prefix =
          "spark.hadoop.fs.s3a.bucket." + URI.create(owner.storageRoot()).getHost() + ".";
      conf.put(prefix + "access.key", s3.readOnlyAccessKey());
      conf.put(prefix + "secret.key", s3.readOnlySecretKey() == null ? "" : s3.readOnlySecretKey());
      conf.put(
          prefix + "aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      if (s3.endpoint() != null && !s3.endpoint().isBlank()) {
        conf.put(prefix + "endpoint", s3.endpoint());
      }
    }
    return conf;
  }
}
