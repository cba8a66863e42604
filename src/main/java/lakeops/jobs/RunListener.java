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
}
