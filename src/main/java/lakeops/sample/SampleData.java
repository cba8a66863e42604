package lakeops.sample;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lakeops.env.LakeOpsHome;

/**
 * The real sample data: {@code flights-3m.parquet} from the npm package {@code
 * vega-datasets@3.2.1}, fetched and verified by {@value SampleProperties#FETCH_SCRIPT} into the
 * home's landing folder.
 */
public final class SampleData {

  private static final long FETCH_TIMEOUT_MINUTES = 10;

  private SampleData() {}

  /** The landing folder of the flights data in {@code home}: {@code .lakehouse/landing/flights}. */
  public static Path flightsLanding(LakeOpsHome home) {
    return home.lakehouseDir().resolve(SampleProperties.FLIGHTS_LANDING);
  }

  /**
   * The landing folder of {@code rows} synthetic flights in {@code home} ({@value
   * SampleProperties#SYNTHETIC_LANDING}), generated with the default seed unless it already holds
   * files.
   */
  public static Path syntheticFlights(
      LakeOpsHome home, org.apache.spark.sql.SparkSession spark, long rows) {
    return writeOnce(
        home.lakehouseDir().resolve(SampleProperties.SYNTHETIC_LANDING),
        folder -> FlightsGenerator.flights(rows).write(spark, folder.toString(), "parquet", 1));
  }

  /**
   * A seeded {@code fraction} of the real flights ({@link #fetchFlights}) in a landing folder of
   * its own, written once.
   */
  public static Path flightsSample(
      LakeOpsHome home, org.apache.spark.sql.SparkSession spark, double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw SampleErrors.invalid("sample fraction", fraction, "a number between 0 and 1");
    }
    Path landing = home.lakehouseDir().resolve(SampleProperties.SAMPLE_LANDING + fraction);
    if (hasFiles(landing)) {
      return landing;
    }
    Path file = fetchFlights(home);
    return writeOnce(
        landing,
        folder ->
            spark
                .read()
                .parquet(file.toString())
                .sample(false, fraction, SampleProperties.SEED_DEFAULT)
                .coalesce(1)
                .write()
                .parquet(folder.toString()));
  }

  /**
   * {@code landing} filled by {@code write} unless it holds files already. Stages run side by side:
   * one writes under a lock beside the folder while the others wait and then find it; it writes
   * into a hidden folder renamed into place, so a killed write leaves nothing half-written.
   */
  private static Path writeOnce(Path landing, Consumer<Path> write) {
    if (hasFiles(landing)) {
      return landing;
    }
    Path lock = landing.resolveSibling("." + landing.getFileName() + ".lock");
    Path written = landing.resolveSibling("." + landing.getFileName() + ".tmp");
    try {
      Files.createDirectories(landing.getParent());
      try (FileChannel channel =
              FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = channel.lock()) {
        if (!hasFiles(landing)) {
          deleteTree(written); // what a killed write left
          write.accept(written);
          Files.deleteIfExists(landing);
          Files.move(written, landing, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw SampleErrors.cannotWrite(landing, e);
    }
    return landing;
  }

  private static void deleteTree(Path folder) throws IOException {
    if (Files.exists(folder)) {
      try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static boolean hasFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (java.util.stream.Stream<Path> files = Files.list(folder)) {
      return files.anyMatch(file -> file.getFileName().toString().endsWith(".parquet"));
    } catch (IOException e) {
      throw SampleErrors.cannotList(folder, e);
    }
  }

  /**
   * Fetches the real flights file into {@link #flightsLanding} unless it is there; returns its
   * path.
   */
  public static Path fetchFlights(LakeOpsHome home) {
    Path landing = flightsLanding(home);
    Path script = home.installDir().resolve(SampleProperties.FETCH_SCRIPT);
    try {
      Path log = Files.createTempFile("lakeops-fetch", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(script.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(log.toFile());
      builder.environment().put(SampleProperties.LANDING_DIR_ENV, landing.toString());
      Process process = builder.start();
      if (!process.waitFor(FETCH_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw SampleErrors.cannotFetch(
            script, "it ran over " + FETCH_TIMEOUT_MINUTES + " minutes", null);
      }
      String errors = Files.readString(log, StandardCharsets.UTF_8).strip();
      Files.deleteIfExists(log);
      if (process.exitValue() != 0) {
        throw SampleErrors.cannotFetch(
            script,
            errors.lines().reduce((first, last) -> last).orElse("exit " + process.exitValue()),
            null);
      }
    } catch (IOException e) {
      throw SampleErrors.cannotFetch(script, e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SampleErrors.cannotFetch(script, "interrupted", e);
    }
    return landing.resolve(SampleProperties.FLIGHTS_FILE);
  }
}
