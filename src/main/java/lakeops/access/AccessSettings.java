package lakeops.access;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.spark.sql.internal.SQLConf;

/**
 * The session settings that carry or could undo an environment's access: LakeOps' access settings
 * ({@code spark.lakeops.access.*}, {@code spark.lakeops.environment}, {@code spark.lakeops.home}),
 * the catalog wiring ({@code spark.sql.catalog.*}), Hadoop file-system implementations ({@code
 * fs.<scheme>.impl}, {@code fs.AbstractFileSystem.<scheme>.impl}, their cache switches, {@code
 * spark.hadoop.fs.*}), S3 settings and credentials ({@code fs.s3a.*}) and Delta's log-store
 * classes.
 *
 * <p>Other LakeOps settings ({@code spark.lakeops.monitoring.*}, …) tune work, not access, and stay
 * settable. In a session of an environment the protected ones are fixed when the session is built:
 * SQL {@code SET} and {@code RESET} of them, and reader or writer options naming them, are refused
 * by the plan check; the names the session was built with are registered as static SQL settings, so
 * {@code spark.conf().set/unset} refuses them too and {@code SparkSession.builder().config(..)} on
 * a running session ignores them.
 */
final class AccessSettings {

  private static final Pattern PROTECTED =
      Pattern.compile(
          "spark\\.lakeops\\.(access|session)\\..*|spark\\.lakeops\\.(environment|home)"
              + "|spark\\.sql\\.catalog\\..*|spark\\.hadoop\\.fs\\..*"
              + "|fs\\.[^.]+\\.impl(\\..*)?|fs\\.abstractfilesystem\\..*|fs\\.s3a\\..*"
              + "|spark\\.delta\\.logstore\\..*|spark\\.databricks\\.delta\\.logstore\\..*");

  /** File-system implementation keys fixed in every session, for the schemes roots commonly use. */
  private static final Set<String> FILE_SYSTEM_KEYS =
      Set.of(
          "fs.file.impl",
          "fs.file.impl.disable.cache",
          "fs.AbstractFileSystem.file.impl",
          "fs.s3a.impl",
          "fs.s3a.impl.disable.cache",
          "fs.AbstractFileSystem.s3a.impl",
          "fs.hdfs.impl",
          "fs.AbstractFileSystem.hdfs.impl");

  private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

  private AccessSettings() {}

  /** Whether {@code key} is a setting a session of an environment may not change. */
  static boolean isProtected(String key) {
    return key != null && PROTECTED.matcher(key.strip().toLowerCase(Locale.ROOT)).matches();
  }

  /** Makes {@code keys} (and the file-system keys) unchangeable through {@code spark.conf()}. */
  static void fix(Collection<String> keys) {
    FILE_SYSTEM_KEYS.forEach(AccessSettings::fix);
    keys.forEach(AccessSettings::fix);
  }

  private static void fix(String key) {
    if (isProtected(key) && REGISTERED.add(key)) {
      SQLConf.registerStaticConfigKey(key);
    }
  }
}
