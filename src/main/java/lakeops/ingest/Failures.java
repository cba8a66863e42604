package lakeops.ingest;

import lakeops.exceptions.LakeOpsException;

/** How the steps report a failed streaming query, and the test aid that pauses batches. */
final class Failures {

  private Failures() {}

  /** Our own error inside {@code error}'s causes as it is, or {@code error} wrapped with {@code doing}. */
  static RuntimeException unwrap(String doing, Exception error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof LakeOpsException own) {
        return own;
      }
    }
    String message = error.getMessage() == null ? error.getClass().getName()
        : error.getMessage().lines().findFirst().orElse("");
    return new LakeOpsException(doing + ": " + message, error);
  }

  /** Sleeps {@value IngestProperties#BATCH_PAUSE_ENV} milliseconds when that variable is set. */
  static void pauseForTests() throws InterruptedException {
    String pause = System.getenv(IngestProperties.BATCH_PAUSE_ENV);
    if (pause != null && !pause.isBlank()) {
      Thread.sleep(Long.parseLong(pause.strip()));
    }
  }
}
