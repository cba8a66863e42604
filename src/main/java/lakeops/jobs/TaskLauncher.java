package lakeops.jobs;

/**
 * Runs one task attempt to its end. The runner enforces timeouts by interrupting the calling
 * thread: a launcher must then stop what it started (kill the process) before it returns or throws.
 */
interface TaskLauncher {

  /** Runs {@code invocation}; a non-zero exit code is a failed attempt. */
  TaskOutcome launch(TaskInvocation invocation) throws InterruptedException;

  /**
   * How an attempt ended.
   *
   * @param exitCode 0 for success
   * @param message why it failed (the task's last error line), or empty
   */
  record TaskOutcome(int exitCode, String message) {

    public static TaskOutcome success() {
      return new TaskOutcome(0, "");
    }

    public static TaskOutcome failure(String message) {
      return new TaskOutcome(1, message);
    }

    public boolean succeeded() {
      return exitCode == 0;
    }
  }
}
