package lakeops.catalog;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries of a Delta write that lost a race with another writer of the same table: Delta's
 * optimistic concurrency refuses the later commit with a {@code ConcurrentAppendException}, {@code
 * ConcurrentDeleteReadException} or another {@code ConcurrentModificationException}; the write is
 * then run again on the new snapshot. Only writes that are whole transactions (a MERGE, an
 * overwrite of the rows they replace) may be retried so: a retry does the write once more, in full.
 * Each retry is logged at warn with the conflict's name.
 */
public final class DeltaConflicts {

  /** Attempts of a write before its conflict is thrown. */
  public static final int ATTEMPTS_DEFAULT = 5;

  private static final Logger LOG = LoggerFactory.getLogger(DeltaConflicts.class);
  private static final long BACKOFF_MILLIS = 200;

  private DeltaConflicts() {}

  /**
   * Runs {@code write} (a description such as {@code "MERGE into dev.features.t"}), again on a
   * Delta conflict, at most {@link #ATTEMPTS_DEFAULT} times in all.
   */
  public static <T> T retry(String what, Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (RuntimeException e) {
        String conflict = conflictName(e);
        if (conflict == null || attempt >= ATTEMPTS_DEFAULT) {
          throw e;
        }
        LOG.warn(
            "{} lost a race with another writer ({}); retrying on the new snapshot, attempt {} of"
                + " {}",
            what,
            conflict,
            attempt + 1,
            ATTEMPTS_DEFAULT);
        pause(attempt);
      }
    }
  }

  /** {@link #retry(String, Supplier)} of a write that returns nothing. */
  public static void retry(String what, Runnable write) {
    retry(
        what,
        () -> {
          write.run();
          return null;
        });
  }

  /**
   * The simple class name of the Delta concurrent-modification exception in {@code error}'s chain,
   * or null when it is not a conflict.
   */
  public static String conflictName(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      for (Class<?> type = e.getClass(); type != null; type = type.getSuperclass()) {
        if (type.getName().endsWith("ConcurrentModificationException")
            && type.getName().contains("delta")) {
          return e.getClass().getSimpleName();
        }
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return null;
  }

  private static void pause(int attempt) {
    try {
      // Jittered, growing: two writers that collided should not collide again in lockstep.
      Thread.sleep(BACKOFF_MILLIS * attempt + (long) (Math.random() * BACKOFF_MILLIS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while retrying a Delta write", e);
    }
  }
}
