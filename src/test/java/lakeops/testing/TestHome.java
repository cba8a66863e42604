package lakeops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import lakeops.env.LakeOpsHome;

/**
 * A throw-away LakeOps project for tests: the real {@code environments/} and {@code conf/} copied
 * into {@code target/test-home/<name>}, so storage roots ({@code .lakehouse/<env>}) land there too.
 */
public final class TestHome {

  private TestHome() {}

  /** The project under test (where the pom is). */
  public static Path projectDir() {
    String configured = System.getProperty("lakeops.home");
    return (configured == null ? Paths.get("") : Paths.get(configured))
        .toAbsolutePath()
        .normalize();
  }

  /** A fresh home called {@code name}, emptied if it existed. */
  public static LakeOpsHome create(String name) {
    Path home = projectDir().resolve("target").resolve("test-home").resolve(name);
    deleteRecursively(home);
    copyTree(projectDir().resolve("environments"), home.resolve("environments"));
    copyTree(projectDir().resolve("conf"), home.resolve("conf"));
    return LakeOpsHome.at(home);
  }

  public static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
