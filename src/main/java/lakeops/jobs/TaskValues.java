package lakeops.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values a task passes to the tasks after it, like Databricks' {@code dbutils.jobs.taskValues}: a
 * task calls {@code TaskValues.set("auc", "0.91")}, a downstream task reads {@code
 * {{tasks.train.values.auc}}} in its parameters.
 *
 * <p>The runner names the file through the environment variable {@value
 * JobProperties#TASK_VALUES_ENV} of the task process; outside a job run {@link #set} does nothing.
 */
public final class TaskValues {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TaskValues() {}

  /** Sets task value {@code key} of the running task; returns false outside a job run. */
  public static synchronized boolean set(String key, String value) {
    String file = System.getenv(JobProperties.TASK_VALUES_ENV);
    if (file == null || file.isBlank()) {
      return false;
    }
    write(Path.of(file), key, value);
    return true;
  }

  static void write(Path file, String key, String value) {
    Map<String, String> values = new TreeMap<>(read(file));
    values.put(key, value);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temp.toFile(), values);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw JobErrors.cannotTaskValues("write", file, e);
    }
  }

  /** The values written to {@code file}, or none. */
  static Map<String, String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw JobErrors.cannotTaskValues("read", file, e);
    }
  }
}
