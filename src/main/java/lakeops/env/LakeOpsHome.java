package lakeops.env;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import lakeops.exceptions.InvalidConfigException;

/**
 * The project folder LakeOps runs from: it holds {@code environments/}, {@code conf/}, {@code
 * jobs/} and the local lakehouse {@code .lakehouse/}.
 *
 * <p>Found from the system property {@value EnvironmentProperties#HOME_PROPERTY}, then the
 * environment variable {@value EnvironmentProperties#HOME_ENV}, then the working directory.
 */
public final class LakeOpsHome {

  private final Path root;

  private LakeOpsHome(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The home at {@code root}, which must contain an {@code environments/} folder. */
  public static LakeOpsHome at(Path root) {
    LakeOpsHome home = new LakeOpsHome(root);
    if (!Files.isDirectory(home.environmentsDir())) {
      throw new InvalidConfigException(
          String.format(
              "Invalid LakeOps home %s: no environments/ folder (set %s or run from the project folder)",
              home.root, EnvironmentProperties.HOME_ENV));
    }
    return home;
  }

  /**
   * The home this process runs in (system property, environment variable, or working directory).
   */
  public static LakeOpsHome current() {
    String configured = System.getProperty(EnvironmentProperties.HOME_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(EnvironmentProperties.HOME_ENV);
    }
    return at(configured == null || configured.isBlank() ? Paths.get("") : Paths.get(configured));
  }

  public Path root() {
    return root;
  }

  /**
   * The folder of environment files: {@code environments/}, or the variant named by {@value
   * EnvironmentProperties#ENVIRONMENTS_PROPERTY} / {@value EnvironmentProperties#ENVIRONMENTS_ENV}.
   */
  public Path environmentsDir() {
    String variant = System.getProperty(EnvironmentProperties.ENVIRONMENTS_PROPERTY);
    if (variant == null || variant.isBlank()) {
      variant = System.getenv(EnvironmentProperties.ENVIRONMENTS_ENV);
    }
    return root.resolve(
            variant == null || variant.isBlank()
                ? EnvironmentProperties.ENVIRONMENTS_DEFAULT
                : variant)
        .normalize();
  }

  public Path confDir() {
    return root.resolve("conf");
  }

  /** Local state: default storage roots, the MLflow server's store, Spark's scratch space. */
  public Path lakehouseDir() {
    return root.resolve(".lakehouse");
  }

  /**
   * The LakeOps installation (its {@code bin/}, {@code scripts/}, {@code target/}): the system
   * property {@value EnvironmentProperties#INSTALL_PROPERTY} set by {@code bin/lakeops}, else this
   * home.
   */
  public Path installDir() {
    String install = System.getProperty(EnvironmentProperties.INSTALL_PROPERTY);
    return install == null || install.isBlank()
        ? root
        : Paths.get(install).toAbsolutePath().normalize();
  }

  /** Resolves a path from a config file against the home, leaving absolute paths as they are. */
  public Path resolve(String relativeOrAbsolute) {
    return root.resolve(relativeOrAbsolute).normalize();
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
