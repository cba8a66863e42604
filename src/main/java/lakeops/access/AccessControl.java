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
   * read-only storage layer for {@code file:} roots, and per-bucket settings of the {@code s3a://}
   * roots it sees, with read-only credentials for those it may read but not write. Add {@link
   * AccessProperties#EXTENSION} to {@code spark.sql.extensions} as well, and build the session with
   * {@link #sessionExtension}.
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
    conf.putAll(s3BucketConf(environments, env));
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
   * hadoop-aws per-bucket settings ({@code fs.s3a.bucket.<bucket>.*}) of every {@code s3a://}
   * catalog {@code env} sees: the owner's endpoint, region, path style and options, and its
   * read-write credentials where {@code env} may write the catalog, its read-only ones where it may
   * only read it. A bucket two catalogs share must get the same settings from both.
   */
  static Map<String, String> s3BucketConf(Environments environments, Environment env) {
    Map<String, String> conf = new LinkedHashMap<>();
    Map<String, String> ownerOfBucket = new LinkedHashMap<>();
    for (String catalog : env.visibleCatalogs()) {
      Environment owner = environments.get(catalog);
      S3Settings s3 = owner.storage().s3();
      if (!owner.storageRoot().startsWith("s3a://") || s3 == null) {
        continue;
      }
      String bucket = URI.create(owner.storageRoot()).getHost();
      String prefix = "spark.hadoop.fs.s3a.bucket." + bucket + ".";
      Map<String, String> settings = new LinkedHashMap<>();
      putIfSet(settings, prefix + "endpoint", s3.endpoint());
      putIfSet(settings, prefix + "endpoint.region", s3.region());
      if (s3.pathStyleAccess() != null) {
        settings.put(prefix + "path.style.access", s3.pathStyleAccess().toString());
      }
      // hadoop-aws' default (analytics) input stream keeps non-daemon threads alive per client,
      // which would keep a finished JVM from exiting; options may still choose it.
      settings.put(prefix + "input.stream.type", "classic");
      s3.options().forEach((key, value) -> settings.put(prefix + key, value));
      s3.credentials(env.canWrite(catalog))
          .ifPresent(
              credentials -> {
                settings.put(prefix + "access.key", credentials.accessKey());
                settings.put(prefix + "secret.key", credentials.secretKey());
                settings.put(
                    prefix + "aws.credentials.provider",
                    "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
              });
      String other = ownerOfBucket.putIfAbsent(bucket, catalog);
      if (other != null) {
        for (Map.Entry<String, String> setting : settings.entrySet()) {
          String existing = conf.get(setting.getKey());
          if (existing != null && !existing.equals(setting.getValue())) {
            throw new lakeops.exceptions.InvalidConfigException(
                String.format(
                    "Invalid environments: catalogs '%s' and '%s' share bucket '%s' but the"
                        + " sessions of '%s' need different S3 settings or credentials for them;"
                        + " give each environment its own bucket",
                    other, catalog, bucket, env.name()));
          }
        }
      }
      conf.putAll(settings);
    }
    return conf;
  }

  private static void putIfSet(Map<String, String> conf, String key, String value) {
    if (value != null && !value.isBlank()) {
      conf.put(key, value);
    }
  }
}
