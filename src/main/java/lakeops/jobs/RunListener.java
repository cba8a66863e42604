package lakeops.jobs;

/**
 * Told of every state change of a run and of its task runs, from any thread: progress on the
 * terminal, the run history table. Implementations must be thread-safe.
 */
public interface RunListener extends AutoCloseable {

  /** {@code record} is the new state of a job run or task run. */
  void changed(RunRecord record);

  /** Flushes what was recorded; called once at the end of a run. */
  @Override
  default void close() {}

  /** One listener telling all of {@code listeners}, in order; closing closes each. */
  static RunListener all(RunListener... listeners) {
    return new RunListener() {
      @Override
      public void changed(RunRecord record) {
        for (RunListener listener : listeners) {
          listener.changed(record);
        }
      }

      @Override
      public void close() {
        for (RunListener listener : listeners) {
          listener.close();
        }
      }
    };
  }
}
