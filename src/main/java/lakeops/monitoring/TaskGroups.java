package lakeops.monitoring;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The groups one task of the profile scan accumulates into: one {@link WindowAccumulator} per (log
 * type, granularity, window, slice, model). Consecutive rows mostly fall into the same groups, so
 * each (granularity, slice, model) slot remembers its last groups and only a change of window,
 * slice value or model looks one up in the map.
 */
final class TaskGroups {

  /**
   * A group of the scan: log type, granularity index, window start, slice index (−1 = none), model.
   */
  record GroupKey(int log, int granularity, long start, int slice, String sliceValue, String model)
      implements Serializable {}

  private static final UTF8String ALL = UTF8String.fromString(MonitorProperties.ALL_MODELS);

  private final ScanLayout layout;
  private final int slices;
  private final int models;
  private final Recent[] recent;
  private final Map<GroupKey, WindowAccumulator> groups = new HashMap<>();

  TaskGroups(ScanLayout layout) {
    this.layout = layout;
    this.slices = layout.slices() + 1;
    this.models = layout.byModel() ? 2 : 1;
    int slots = (layout.granularities() + 1) * slices * models;
    recent = new Recent[slots];
    for (int i = 0; i < slots; i++) {
      recent[i] = new Recent();
    }
  }

  /**
   * Most accumulators one row can fall into: one per granularity, slice (or none) and model (or
   * all).
   */
  int maxGroupsPerRow() {
    return Math.max(1, layout.granularities()) * slices * models;
  }

  /**
   * Puts into {@code into} the accumulators of a row at epoch second {@code seconds} (ignored for
   * the baseline and snapshots) whose slice values and model {@code keys} holds at the layout's
   * positions (null when the monitor has neither), and returns how many.
   */
  int assign(boolean baseline, long seconds, InternalRow keys, WindowAccumulator[] into) {
    int found = 0;
    int granularities = layout.granularities();
    int from = baseline ? granularities : 0;
    int to = baseline ? granularities + 1 : granularities;
    for (int g = from; g < to; g++) {
      long start = baseline ? 0 : windowStart(seconds, g);
      if (!baseline && layout.changed() != null && !layout.changed().get(g).contains(start)) {
        continue;
      }
      for (int s = 0; s < slices; s++) {
        int slicePosition = ScanLayout.FIRST_SLICE + s - 1;
        UTF8String slice =
            s == 0 || keys.isNullAt(slicePosition) ? null : keys.getUTF8String(slicePosition);
        for (int m = 0; m < models; m++) {
          UTF8String model = m == 0 ? ALL : keys.getUTF8String(ScanLayout.MODEL);
          Recent slot = recent[(g * slices + s) * models + m];
          WindowAccumulator accumulator = slot.find(start, slice, model);
          if (accumulator == null) {
            GroupKey key =
                new GroupKey(
                    baseline ? 1 : 0,
                    g,
                    start,
                    s - 1,
                    slice == null ? null : slice.toString(),
                    model.toString());
            boolean whole = !baseline && s == 0 && m == 0;
            accumulator = groups.computeIfAbsent(key, k -> new WindowAccumulator(layout, whole));
            slot.remember(start, slice, model, accumulator);
          }
          into[found++] = accumulator;
        }
      }
    }
    return found;
  }

  private long windowStart(long seconds, int granularity) {
    if (layout.snapshotSeconds() != null) {
      return layout.snapshotSeconds();
    }
    long length = layout.windowSeconds()[granularity];
    return Math.floorDiv(seconds, length) * length;
  }

  /** The task's partial accumulators, completed and Java-serialized for the driver. */
  byte[] serialize() throws IOException {
    groups.values().forEach(WindowAccumulator::complete);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new HashMap<>(groups));
    }
    return bytes.toByteArray();
  }

  /**
   * The last few groups one (granularity, slice, model) slot saw, searched before the map: rows of
   * a few interleaved windows (or slice values) then cost a short scan, not a key and a hash
   * lookup.
   */
  private static final class Recent {
    private static final int SIZE = 16;
    private final long[] starts = new long[SIZE];
    private final UTF8String[] slices = new UTF8String[SIZE];
    private final UTF8String[] models = new UTF8String[SIZE];
    private final WindowAccumulator[] accumulators = new WindowAccumulator[SIZE];
    private int next;

    WindowAccumulator find(long start, UTF8String slice, UTF8String model) {
      for (int i = 0; i < SIZE && accumulators[i] != null; i++) {
        if (starts[i] == start && Objects.equals(slices[i], slice) && models[i].equals(model)) {
          return accumulators[i];
        }
      }
      return null;
    }

    void remember(long start, UTF8String slice, UTF8String model, WindowAccumulator accumulator) {
      starts[next] = start;
      slices[next] = slice == null ? null : slice.copy();
      models[next] = model.copy();
      accumulators[next] = accumulator;
      next = (next + 1) % SIZE;
    }
  }
}
