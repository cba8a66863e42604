package lakeops.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the scheduler of one environment has already acted on (last cron fire time, last table
 * version, last alert per job), kept in a JSON file that is rewritten atomically before a run
 * starts, so a restarted scheduler never runs the same fire twice. A lock file keeps a second
 * scheduler of the same environment out.
 */
public final class SchedulerState implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, String> values;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private SchedulerState(
      Path file, Map<String, String> values, FileChannel lockChannel, FileLock lock) {
    this.file = file;
    this.values = values;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** The state in {@code file}, locked for this process until {@link #close()}. */
  public static SchedulerState open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      FileChannel channel =
          FileChannel.open(
              file.resolveSibling(file.getFileName() + ".lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw JobErrors.schedulerRunning(file);
      }
      Map<String, String> values =
          Files.isRegularFile(file)
              ? new TreeMap<>(
                  JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}))
              : new TreeMap<>();
      return new SchedulerState(file, values, channel, lock);
    } catch (IOException e) {
      throw JobErrors.cannotSchedulerState("open", file, e);
    }
  }

  /** The value acted on last under {@code key}, if any. */
  public synchronized Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** Sets {@code key} and writes the file before returning. */
  public synchronized void put(String key, String value) {
    values.put(key, value);
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), values);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw JobErrors.cannotSchedulerState("write", file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // The lock goes with the process anyway.
    }
  }
}
