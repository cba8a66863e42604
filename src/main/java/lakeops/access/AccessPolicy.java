package lakeops.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import lakeops.env.Environment;
import lakeops.env.Environments;

/**
 * What one environment may read and write: catalogs by name and, through their storage roots,
 * paths. Deny by default: a target is readable or writable only when the environment's file lists
 * its catalog. Paths under no environment's storage root (scratch files, temporary checkpoints)
 * belong to no catalog and are not restricted here; catalogs that are no environment may be read,
 * not written.
 *
 * <p>Built from {@code environments/*.yml}; carried in a session's Spark conf ({@link #toConf()}).
 */
public final class AccessPolicy {

  /** Environment named in refusals of a session bound to no environment. */
  static final String UNBOUND = "(none)";

  private final String environment;
  private final Set<String> readable;
  private final Set<String> writable;
  private final Map<String, StorageRoot> roots;
  private final Map<String, List<String>> readers;
  private final Map<String, List<String>> writers;

  private AccessPolicy(
      String environment,
      Set<String> readable,
      Set<String> writable,
      Map<String, StorageRoot> roots,
      Map<String, List<String>> readers,
      Map<String, List<String>> writers) {
    this.environment = environment;
    this.readable = Set.copyOf(readable);
    this.writable = Set.copyOf(writable);
    this.roots = Map.copyOf(roots);
    this.readers = Map.copyOf(readers);
    this.writers = Map.copyOf(writers);
  }

  /** The policy of environment {@code name} among {@code environments}. */
  public static AccessPolicy of(Environments environments, String name) {
    Environment env = environments.get(name);
    Map<String, StorageRoot> roots = new TreeMap<>();
    Map<String, List<String>> readers = new TreeMap<>();
    Map<String, List<String>> writers = new TreeMap<>();
    for (Environment each : environments.all().values()) {
      roots.put(each.name(), StorageRoot.of(each.storageRoot()));
      readers.put(
          each.name(),
          environments.all().values().stream()
              .filter(other -> other.canRead(each.name()))
              .map(Environment::name)
              .toList());
      writers.put(
          each.name(),
          environments.all().values().stream()
              .filter(other -> other.canWrite(each.name()))
              .map(Environment::name)
              .toList());
    }
    Set<String> readable =
        env.visibleCatalogs().stream().filter(env::canRead).collect(Collectors.toSet());
    return new AccessPolicy(
        env.name(), readable, Set.copyOf(env.catalogs().write()), roots, readers, writers);
  }

  /**
   * The policy of a session bound to no environment, knowing the roots of {@code known} (or none):
   * it may read, and write nothing under any environment's root nor in any catalog; paths under no
   * root stay writable (scratch files).
   */
  static AccessPolicy unbound(AccessPolicy known) {
    if (known == null) {
      return new AccessPolicy(UNBOUND, Set.of(), Set.of(), Map.of(), Map.of(), Map.of());
    }
    return new AccessPolicy(
        UNBOUND, known.roots.keySet(), Set.of(), known.roots, known.readers, known.writers);
  }

  /** Storage roots of every environment this policy knows, by catalog. */
  Map<String, StorageRoot> roots() {
    return roots;
  }

  /**
   * The conf that carries this policy to Hadoop file systems (read-only storage roots included);
   * the plan check never reads it back: a session's policy is the one bound when it was built.
   */
  public Map<String, String> toConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(AccessProperties.READ, String.join(",", new TreeSet<>(readable)));
    conf.put(AccessProperties.WRITE, String.join(",", new TreeSet<>(writable)));
    roots.forEach(
        (catalog, root) -> conf.put(AccessProperties.ROOT_PREFIX + catalog, root.toString()));
    readers.forEach(
        (catalog, list) ->
            conf.put(AccessProperties.READERS_PREFIX + catalog, String.join(",", list)));
    writers.forEach(
        (catalog, list) ->
            conf.put(AccessProperties.WRITERS_PREFIX + catalog, String.join(",", list)));
    conf.put(AccessProperties.READ_ONLY_ROOTS, String.join(",", readOnlyRoots()));
    return conf;
  }

  public String environment() {
    return environment;
  }

  /** Storage roots of the catalogs this environment may not write. */
  public List<String> readOnlyRoots() {
    return roots.entrySet().stream()
        .filter(e -> !writable.contains(e.getKey()))
        .map(e -> e.getValue().toString())
        .toList();
  }

  /**
   * The target a path is: {@code prod.features.t} for a file or folder of that table. The path is
   * placed both as written and with its links followed; where the two land in different catalogs,
   * the one this environment may not write counts, so a link never opens a way in or out.
   */
  public Target targetOfPath(String location) {
    StorageRoot written = StorageRoot.of(location);
    Target lexical = owner(written, false);
    Target real = owner(written.real(), true);
    if (lexical.catalog() != null && !canWrite(lexical)) {
      return lexical;
    }
    return real.catalog() != null ? real : lexical;
  }

  private Target owner(StorageRoot path, boolean realRoots) {
    for (Map.Entry<String, StorageRoot> root : roots.entrySet()) {
      StorageRoot base = realRoots ? root.getValue().real() : root.getValue();
      if (base.contains(path)) {
        String[] segments = base.relative(path);
        List<String> parts = new ArrayList<>();
        parts.add(root.getKey());
        parts.addAll(Arrays.asList(segments).subList(0, Math.min(2, segments.length)));
        return Target.named(root.getKey(), String.join(".", parts));
      }
    }
    return Target.unownedPath(path.toString());
  }

  /** The target {@code name} in {@code catalog}; catalogs that are no environment have none. */
  public Target targetInCatalog(String catalog, String name) {
    String full = name.isEmpty() ? catalog : catalog + "." + name;
    return Target.named(roots.containsKey(catalog) ? catalog : null, full);
  }

  public boolean canRead(Target target) {
    return target.catalog() == null || readable.contains(target.catalog());
  }

  public boolean canWrite(Target target) {
    return target.catalog() == null ? target.outsideRoots() : writable.contains(target.catalog());
  }

  /** Throws unless this environment may read {@code target}. */
  public void checkRead(Target target) {
    if (!canRead(target)) {
      throw AccessDeniedException.read(environment, target.name(), readersOf(target));
    }
  }

  /** Throws unless this environment may perform {@code operation} on {@code target}. */
  public void checkWrite(String operation, Target target) {
    if (!canWrite(target)) {
      throw AccessDeniedException.write(environment, operation, target.name(), writersOf(target));
    }
    if (AccessAudit.isAuditTarget(target, operation) && !AccessAudit.isWriting()) {
      throw AccessDeniedException.appendOnly(environment, operation, target.name());
    }
  }

  /** Environments that may write {@code target}. */
  public List<String> writersOf(Target target) {
    return target.catalog() == null ? List.of() : writers.getOrDefault(target.catalog(), List.of());
  }

  /** Environments that may read {@code target}. */
  public List<String> readersOf(Target target) {
    return target.catalog() == null ? List.of() : readers.getOrDefault(target.catalog(), List.of());
  }

  private static List<String> split(String value) {
    return value == null || value.isBlank()
        ? List.of()
        : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
