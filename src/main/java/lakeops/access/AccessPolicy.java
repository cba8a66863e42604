package lakeops.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import lakeops.env.Environment;
import lakeops.env.Environments;

/**
 * What one environment may read and write: catalogs by name and, through their storage roots, paths.
 * Deny by default: a target is readable or writable only when the environment's file lists its
 * catalog. Paths under no environment's storage root (scratch files, temporary checkpoints) belong to
 * no catalog and are not restricted here; catalogs that are no environment may be read, not written.
 *
 * <p>Built from {@code environments/*.yml}; carried in a session's Spark conf ({@link #toConf()}).
 */
public final class AccessPolicy {

  private final String environment;
  private final Set<String> readable;
  private final Set<String> writable;
  private final Map<String, StorageRoot> roots;
  private final Map<String, List<String>> readers;
  private final Map<String, List<String>> writers;

  private AccessPolicy(String environment, Set<String> readable, Set<String> writable,
      Map<String, StorageRoot> roots, Map<String, List<String>> readers,
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
      readers.put(each.name(), environments.all().values().stream()
          .filter(other -> other.canRead(each.name())).map(Environment::name).toList());
      writers.put(each.name(), environments.all().values().stream()
          .filter(other -> other.canWrite(each.name())).map(Environment::name).toList());
    }
    Set<String> readable = env.visibleCatalogs().stream().filter(env::canRead)
        .collect(Collectors.toSet());
    return new AccessPolicy(env.name(), readable, Set.copyOf(env.catalogs().write()), roots, readers,
        writers);
  }

  /** The policy carried in a session's conf, if the session has one. */
  public static Optional<AccessPolicy> fromConf(Map<String, String> conf) {
    String environment = conf.get(AccessProperties.ENVIRONMENT);
    if (environment == null || !conf.containsKey(AccessProperties.WRITE)) {
      return Optional.empty();
    }
    Map<String, StorageRoot> roots = new TreeMap<>();
    Map<String, List<String>> readers = new TreeMap<>();
    Map<String, List<String>> writers = new TreeMap<>();
    conf.forEach((key, value) -> {
      if (key.startsWith(AccessProperties.ROOT_PREFIX)) {
        roots.put(key.substring(AccessProperties.ROOT_PREFIX.length()), StorageRoot.of(value));
      } else if (key.startsWith(AccessProperties.READERS_PREFIX)) {
        readers.put(key.substring(AccessProperties.READERS_PREFIX.length()), split(value));
      } else if (key.startsWith(AccessProperties.WRITERS_PREFIX)) {
        writers.put(key.substring(AccessProperties.WRITERS_PREFIX.length()), split(value));
      }
    });
    return Optional.of(new AccessPolicy(environment,
        Set.copyOf(split(conf.getOrDefault(AccessProperties.READ, ""))),
        Set.copyOf(split(conf.get(AccessProperties.WRITE))), roots, readers, writers));
  }

  /** The session conf that carries this policy, read-only storage roots included. */
  public Map<String, String> toConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(AccessProperties.READ, String.join(",", new TreeSet<>(readable)));
    conf.put(AccessProperties.WRITE, String.join(",", new TreeSet<>(writable)));
    roots.forEach((catalog, root) -> conf.put(AccessProperties.ROOT_PREFIX + catalog, root.toString()));
    readers.forEach((catalog, list) -> conf.put(AccessProperties.READERS_PREFIX + catalog,
        String.join(",", list)));
    writers.forEach((catalog, list) -> conf.put(AccessProperties.WRITERS_PREFIX + catalog,
        String.join(",", list)));
    conf.put(AccessProperties.READ_ONLY_ROOTS, String.join(",", readOnlyRoots()));
    return conf;
  }

  public String environment() {
    return environment;
  }

  /** Storage roots of the catalogs this environment may not write. */
  public List<String> readOnlyRoots() {
    return roots.entrySet().stream().filter(e -> !writable.contains(e.getKey()))
        .map(e -> e.getValue().toString()).toList();
  }

  /** The target a path is: {@code prod.features.t} for a file or folder of that table. */
  public Target targetOfPath(String location) {
    StorageRoot path = StorageRoot.of(location);
    for (Map.Entry<String, StorageRoot> root : roots.entrySet()) {
      if (root.getValue().contains(path)) {
        String[] segments = root.getValue().relative(path);
        List<String> parts = new ArrayList<>();
        parts.add(root.getKey());
        parts.addAll(Arrays.asList(segments).subList(0, Math.min(2, segments.length)));
        return Target.named(root.getKey(), String.join(".", parts));
      }
    }
    return Target.unownedPath(location);
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
    return value == null || value.isBlank() ? List.of()
        : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
