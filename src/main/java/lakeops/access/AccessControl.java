package lakeops.access;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import lakeops.env.Environment;
import lakeops.env.Environment.S3Settings;
import lakeops.env.Environments;
import org.apache.spark.sql.SparkSession;

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
   * {@code spark.sql.extensions} as well.
   */
  public static Map<String, String> sparkConf(Environments environments, Environment env) {
    AccessPolicy policy = AccessPolicy.of(environments, env.name());
    Map<String, String> conf = new LinkedHashMap<>(policy.toConf());
    conf.put("spark.hadoop.fs.file.impl", ReadOnlyRootsFileSystem.class.getName());
    conf.put("spark.hadoop.fs.file.impl.disable.cache", "true");
    conf.put("spark.hadoop.fs.AbstractFileSystem.file.impl", ReadOnlyRootsFs.class.getName());
    // JVM-wide default (SparkContext's Hadoop conf): the environment the context was started for.
    // Each session's own conf overrides it in every Hadoop conf built for that session.
    conf.put("spark.hadoop." + AccessProperties.READ_ONLY_ROOTS,
        conf.get(AccessProperties.READ_ONLY_ROOTS));
    conf.put("spark.hadoop." + AccessProperties.ENVIRONMENT, env.name());
    conf.putAll(readOnlyS3Credentials(environments, env));
    return conf;
  }

  /**
   * A copy of {@code hadoopConf} without read-only storage roots, for administrators' steps that
   * prepare every environment's storage (provisioning catalogs), as an administrator's credential
   * would. Plans are still checked: this only concerns direct Hadoop file-system calls.
   */
  public static org.apache.hadoop.conf.Configuration administratorConf(
      org.apache.hadoop.conf.Configuration hadoopConf) {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(hadoopConf);
    conf.set(AccessProperties.READ_ONLY_ROOTS, "");
    return conf;
  }

  /** The policy of a running session, if it was built by {@code SessionFactory}. */
  public static java.util.Optional<AccessPolicy> policy(SparkSession spark) {
    return AccessPolicy.fromConf(AccessCheckRule.sessionConf(spark));
  }

  /**
   * The catalog's own check of a change it is asked to make, for callers that reach a catalog while
   * a plan is still being analyzed (Delta creates a CLONE's target table during analysis, before
   * the plan check runs). Audits and throws when the session's environment may not write there.
   */
  public static void checkCatalogWrite(SparkSession spark, String operation, String catalog, String name) {
    java.util.Optional<AccessPolicy> policy = policy(spark);
    if (policy.isEmpty()) {
      return;
    }
    try {
      policy.get().checkWrite(operation, policy.get().targetInCatalog(catalog, name));
    } catch (AccessDeniedException denied) {
      AccessAudit.record(spark, denied, "catalog " + catalog + ": " + operation + " " + name);
      throw denied;
    }
  }

  /** What environment {@code name} may do with {@code target}: a table name or a path. */
  public static AccessCheck check(Environments environments, String name, String target) {
    AccessPolicy policy = AccessPolicy.of(environments, name);
    Target resolved = target.contains("/") ? policy.targetOfPath(target) : named(policy, target);
    return new AccessCheck(name, resolved, policy.canRead(resolved), policy.canWrite(resolved),
        policy.readersOf(resolved), policy.writersOf(resolved),
        resolved.catalog() == null ? null : environments.storageRoot(resolved.catalog()));
  }

  private static Target named(AccessPolicy policy, String target) {
    int dot = target.indexOf('.');
    return dot < 0 ? policy.targetInCatalog(target, "")
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
      if (env.canWrite(catalog) || !owner.storageRoot().startsWith("s3a://") || s3 == null
          || s3.readOnlyAccessKey() == null || s3.readOnlyAccessKey().isBlank()) {
        continue;
      }
      String prefix = "spark.hadoop.fs.s3a.bucket." + URI.create(owner.storageRoot()).getHost() + ".";
      conf.put(prefix + "access.key", s3.readOnlyAccessKey());
      conf.put(prefix + "secret.key", s3.readOnlySecretKey() == null ? "" : s3.readOnlySecretKey());
      conf.put(prefix + "aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      if (s3.endpoint() != null && !s3.endpoint().isBlank()) {
        conf.put(prefix + "endpoint", s3.endpoint());
      }
    }
    return conf;
  }
}
