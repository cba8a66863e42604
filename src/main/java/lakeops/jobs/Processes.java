package lakeops.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping launched processes with their children, and reading what they logged. */
final class Processes {

  private Processes() {}

  /** Stops {@code process} and every process it started: politely, then by force. */
  static void stopTree(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Stops {@code process} and its children if this JVM exits first (Ctrl-C, SIGTERM of the runner);
   * call {@link #forget(Thread)} with the result once the process ended.
   */
  static Thread stopOnExit(Process process) {
    Thread hook = new Thread(() -> stopTree(process), "lakeops-stop-" + process.pid());
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /** Drops a hook of {@link #stopOnExit}; harmless while the JVM is already exiting. */
  static void forget(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is exiting: the hook runs anyway.
    }
  }

  /** The line of {@code log} that best says why a process failed: its last error line. */
  static String failureLine(Path log) {
    if (!Files.isRegularFile(log)) {
      return "";
    }
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .map(String::strip)
              .filter(line -> !line.isEmpty())
              .toList();
      String chosen = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
      for (String line : lines) {
        if (line.startsWith("Error:")
            || line.startsWith("Exception in thread")
            || line.matches("^[\\w.$]+(Exception|Error)(:.*)?$")) {
          chosen = line;
        }
      }
      return chosen.length() > 500 ? chosen.substring(0, 500) + "…" : chosen;
    } catch (IOException e) {
      return "";
    }
  }
}
