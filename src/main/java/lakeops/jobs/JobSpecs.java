package lakeops.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.InvalidConfigException;

/** Reads and validates job specs ({@code jobs/*.yml}). */
public final class JobSpecs {

  private JobSpecs() {}

  /**
   * The job in {@code file}, validated; an {@link InvalidConfigException} names file and key
   * otherwise.
   */
  public static JobSpec load(Path file) {
    return new JobSpecLoader().load(file.toAbsolutePath().normalize());
  }

  /** Every job of {@code home}'s {@code jobs/} folder, by file name. */
  public static List<JobSpec> loadAll(LakeOpsHome home) {
    Path dir = home.root().resolve(JobProperties.JOBS_DIR);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().matches("[^.].*\\.ya?ml"))
          .sorted()
          .map(JobSpecs::load)
          .toList();
    } catch (IOException e) {
      throw JobErrors.cannotListJobs(dir, e);
    }
  }
}
