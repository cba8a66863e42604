package lakeops.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import lakeops.exceptions.InvalidConfigException;

/**
 * All environments of a project, read from its {@code environments/} folder. Cross-references are
 * checked: every catalog an environment reads or writes must be an environment of the project.
 */
public final class Environments {

  private final LakeOpsHome home;
  private final Map<String, Environment> byName;

  private Environments(LakeOpsHome home, Map<String, Environment> byName) {
    this.home = home;
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Reads every environment of {@code home}, substituting variables from the process environment.
   */
  public static Environments load(LakeOpsHome home) {
    return load(home, System::getenv);
  }

  /** Reads every environment of {@code home}, substituting variables from {@code variables}. */
  public static Environments load(LakeOpsHome home, Function<String, String> variables) {
    EnvironmentLoader loader = new EnvironmentLoader(home, variables);
    Map<String, Environment> byName = new TreeMap<>();
    try (Stream<Path> files = Files.list(home.environmentsDir())) {
      files
          .filter(f -> f.getFileName().toString().matches("[^.].*\\.ya?ml"))
          .sorted()
          .map(loader::load)
          .forEach(env -> byName.put(env.name(), env));
    } catch (IOException e) {
      throw new InvalidConfigException("Cannot list environments in " + home.environmentsDir(), e);
    }
    if (byName.isEmpty()) {
      throw new InvalidConfigException("No environment files (*.yml) in " + home.environmentsDir());
    }
    byName.values().forEach(env -> checkReferences(env, byName));
    return new Environments(home, byName);
  }

  private static void checkReferences(Environment env, Map<String, Environment> byName) {
    env.catalogs().read().forEach(c -> checkKnown(env, "catalogs.read", c, byName));
    env.catalogs().write().forEach(c -> checkKnown(env, "catalogs.write", c, byName));
  }

  private static void checkKnown(
      Environment env, String key, String catalog, Map<String, Environment> byName) {
    if (!byName.containsKey(catalog)) {
      throw new InvalidConfigException(
          String.format(
              "Invalid environment file %s: key '%s' names catalog '%s', which is no environment (known: %s)",
              env.file(), key, catalog, String.join(", ", byName.keySet())));
    }
  }

  /** The environment called {@code name}; a clear error lists the known ones otherwise. */
  public Environment get(String name) {
    Environment env = byName.get(name);
    if (env == null) {
      throw new InvalidConfigException(
          String.format(
              "Unknown environment '%s': no file %s (known: %s)",
              name,
              home.environmentsDir().resolve(name + ".yml"),
              String.join(", ", byName.keySet())));
    }
    return env;
  }

  /** The storage root of the catalog called {@code catalog}. */
  public String storageRoot(String catalog) {
    return get(catalog).storageRoot();
  }

  public Map<String, Environment> all() {
    return byName;
  }

  public LakeOpsHome home() {
    return home;
  }
}
