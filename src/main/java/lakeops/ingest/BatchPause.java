package lakeops.ingest;

/** The test aid that pauses streaming batches between their Delta commits and the checkpoint. */
final class BatchPause {

  private BatchPause() {}

  /** Sleeps {@value IngestProperties#BATCH_PAUSE_ENV} milliseconds when that variable is set. */
  static void pauseForTests() throws InterruptedException {
    String pause = System.getenv(IngestProperties.BATCH_PAUSE_ENV);
    if (pause != null && !pause.isBlank()) {
      Thread.sleep(Long.parseLong(pause.strip()));
    }
  }
}
