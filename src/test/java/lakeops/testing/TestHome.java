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

  /**
   * JVM options of the short-lived JVMs tests start ({@code bin/lakeops}, job tasks): the C1
   * compiler only. On two cores, C2 compiling Spark's hot paths took most of a cold JVM's CPU when
   * it ran a few thousand rows: a job task took 45 s with it and 25 s without.
   */
  public static final String SHORT_JVM_OPTIONS = "-XX:TieredStopAtLevel=1";

  private TestHome() {}

  /** The project under test (where the pom is). */
  public static Path projectDir() {
    String configured = System.getProperty("lakeops.home");
    return (configured == null ? Paths.get("") : Paths.get(configured))
        .toAbsolutePath()
        .normalize();
  }

  /**
   * The test JVM's own folder under {@code target/}: Surefire runs test classes in parallel JVMs,
   * each numbered in {@code lakeops.test.fork}, so {@code base} gets that number after the first.
   */
  public static Path forkDir(String base) {
    String fork = String.valueOf(forkNumber());
    return projectDir().resolve("target").resolve(fork.equals("1") ? base : base + "-" + fork);
  }

  /** The number of this test JVM, from 1. */
  public static int forkNumber() {
    String fork = System.getProperty("lakeops.test.fork", "");
    return fork.isBlank() ? 1 : Integer.parseInt(fork.strip());
  }

  /** A fresh home called {@code name}, emptied if it existed. */
  public static LakeOpsHome create(String name) {
    Path home = forkDir("test-home").resolve(name);
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
