package lakeops.access;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.internal.SQLConf;

/**
 * The policy of every session of this JVM, bound to the session's {@link SparkSessionExtensions}
 * when {@code SessionFactory} builds it. Spark hands the same extensions object to {@code
 * newSession()} and {@code cloneSession()}, so derived sessions keep the policy; nothing in a
 * session's conf can change it. A session bound to nothing gets {@link AccessPolicy#unbound}.
 *
 * <p>Also the JVM-wide view of storage: the roots no hosted environment may write (every file
 * system of the JVM refuses changing them, whatever its conf says) and the roots some hosted
 * environment may not write (the SparkContext's own Hadoop conf carries those: the most restrictive
 * policy, for RDD writes and file systems built from it).
 */
final class SessionPolicies {

  /** What a session of an environment is: its policy and the settings that wire its catalogs. */
  record Binding(AccessPolicy policy, Map<String, String> settings, Set<String> removed) {}

  private static final Map<SparkSessionExtensions, Binding> BOUND =
      Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<String, AccessPolicy> HOSTED =
      Collections.synchronizedMap(new LinkedHashMap<>());

  private SessionPolicies() {}

  /** Binds {@code binding} to {@code extensions}; a second, different environment is refused. */
  static void bind(SparkSessionExtensions extensions, Binding binding) {
    synchronized (BOUND) {
      Binding existing = BOUND.get(extensions);
      if (existing != null
          && !existing.policy().environment().equals(binding.policy().environment())) {
        throw new IllegalStateException(
            String.format(
                "Cannot bind environment %s to a session of environment %s",
                binding.policy().environment(), existing.policy().environment()));
      }
      BOUND.put(extensions, binding);
      HOSTED.put(binding.policy().environment() + "@" + binding.policy().roots(), binding.policy());
    }
  }

  static Optional<Binding> binding(SparkSessionExtensions extensions) {
    return Optional.ofNullable(BOUND.get(extensions));
  }

  /** The policy of a session bound to nothing: the roots of the environments hosted so far. */
  static AccessPolicy unbound() {
    synchronized (BOUND) {
      return AccessPolicy.unbound(HOSTED.values().stream().findFirst().orElse(null));
    }
  }

  /** Roots that no environment hosted in this JVM may write. */
  static List<StorageRoot> floor() {
    synchronized (BOUND) {
      Set<String> common = null;
      for (AccessPolicy policy : HOSTED.values()) {
        Set<String> readOnly = new LinkedHashSet<>(policy.readOnlyRoots());
        if (common == null) {
          common = readOnly;
        } else {
          common.retainAll(readOnly);
        }
      }
      return common == null ? List.of() : common.stream().map(StorageRoot::of).toList();
    }
  }

  /** Roots that some environment hosted in this JVM may not write. */
  static String mostRestrictiveReadOnlyRoots() {
    synchronized (BOUND) {
      Set<String> all = new LinkedHashSet<>();
      HOSTED.values().forEach(policy -> all.addAll(policy.readOnlyRoots()));
      return String.join(",", new ArrayList<>(all));
    }
  }

  /** Applies a binding's settings to a session's conf, bypassing the refusal of user changes. */
  static void apply(Binding binding, SQLConf conf) {
    binding.removed().forEach(conf::unsetConf);
    binding.settings().forEach(conf::setConfString);
  }
}
