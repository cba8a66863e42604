package lakeops.monitoring;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import lakeops.monitoring.ColumnProfile.Kind;

/**
 * Where the profile scan finds each value in its projected rows, and how it groups them. Positions:
 * {@link #LOG} (0 input, 1 baseline), {@link #TIME} (epoch seconds), {@link #MODEL}, the row's
 * fingerprint terms ({@link #HASH_HIGH}, {@link #HASH_LOW}) and {@link #SEED}, then one string per
 * slicing expression, one value per monitored column (a double for numeric columns, a string for
 * categorical ones, a 64-bit hash for others), then the model-quality inputs. The columnar scan
 * projects the same layout but reads the monitored columns from the column vectors instead.
 *
 * @param kinds how each monitored column is profiled, in projection order
 * @param slices number of slicing expressions
 * @param byModel whether rows also group by their model version
 * @param windowSeconds length of each granularity's windows (empty for snapshots)
 * @param snapshotSeconds the snapshot window's start, for snapshot monitors
 * @param changed per granularity, the window starts to profile; null = all
 * @param quality the inference log's problem type when it has labels, else null
 * @param hasProbability whether classification rows carry a probability and a numeric label
 * @param sketchSize distinct values a numeric sketch keeps exactly
 * @param sketchAccuracy the relative accuracy of approximate numeric sketches
 * @param categoryLimit categories a categorical sketch keeps exactly
 */
record ScanLayout(
    List<Kind> kinds,
    int slices,
    boolean byModel,
    long[] windowSeconds,
    Long snapshotSeconds,
    List<Set<Long>> changed,
    ProblemType quality,
    boolean hasProbability,
    int sketchSize,
    double sketchAccuracy,
    int categoryLimit)
    implements Serializable {

  static final int LOG = 0;
  static final int TIME = 1;
  static final int MODEL = 2;
  static final int HASH_HIGH = 3;
  static final int HASH_LOW = 4;
  static final int SEED = 5;
  static final int FIRST_SLICE = 6;

  int firstColumn() {
    return FIRST_SLICE + slices;
  }

  int firstQuality() {
    return firstColumn() + kinds.size();
  }

  /** Granularities of the input windows; the baseline's group index comes after them. */
  int granularities() {
    return snapshotSeconds != null ? 1 : windowSeconds.length;
  }
}
