package lakeops.monitoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;

/**
 * A mergeable count per category of one column in one window, exact up to {@code limit} categories;
 * past twice that, the rarest fold into {@link MonitorProperties#OTHER} and the sketch reports
 * itself {@linkplain #exact() approximate}, and a {@link DistinctCounter} (Spark's HyperLogLog++),
 * seeded with every category seen before the fold, keeps the distinct count. Nulls are not added
 * (the profile counts them).
 */
final class CategoricalSketch implements Serializable {

  private static final long serialVersionUID = 2L;
  // "LOC3": counts and HyperLogLog++ registers; "LOC2" had an Apache DataSketches HLL instead.
  private static final int FORMAT = 0x4C4F4333;
  private static final int FORMAT_DATASKETCHES_HLL = 0x4C4F4332;

  private int limit;
  private HashMap<String, Long> counts = new HashMap<>();
  private boolean exact = true;
  private transient DistinctCounter distinct;
  // A folded sketch of the "LOC2" format read back: its distinct count is an estimate of another
  // hash.
  private transient long legacyDistinct = -1;

  /** Only for serialization. */
  public CategoricalSketch() {}

  /** An empty sketch counting {@code limit} categories exactly. */
  public CategoricalSketch(int limit) {
    this.limit = limit;
  }

  /** Adds one value. */
  public void add(String value) {
    add(value, 1L);
  }

  /** Adds {@code count} occurrences of {@code value}. */
  public void add(String value, long count) {
    counts.merge(value, count, Long::sum);
    if (distinct != null) {
      distinct.add(value);
    }
    if (counts.size() > 2 * limit) {
      fold();
    }
  }

  /** Adds every count of {@code other}. */
  public CategoricalSketch merge(CategoricalSketch other) {
    other.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
    if (distinct != null || other.distinct != null) {
      distinct =
          (distinct == null ? seeded(counts) : distinct)
              .merge(other.distinct == null ? seeded(other.counts) : other.distinct);
      legacyDistinct = Math.max(legacyDistinct, other.legacyDistinct);
    }
    exact &= other.exact;
    if (counts.size() > 2 * limit) {
      fold();
    }
    return this;
  }

  /** Whether every count is exact. */
  public boolean exact() {
    return exact;
  }

  /**
   * Distinct categories added: exact while the sketch is, else the HyperLogLog++ estimate, which
   * equals Spark's {@code approx_count_distinct(value, 0.0173)} (about 1.6% error).
   */
  public long distinctCount() {
    return distinct == null ? counts.size() : Math.max(legacyDistinct, distinct.estimate());
  }

  /** Count per category. */
  public Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  /** Values added. */
  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The {@code n} most frequent categories, most frequent first (ties by name). */
  public List<Map.Entry<String, Long>> top(int n) {
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .toList();
  }

  private static DistinctCounter seeded(Map<String, Long> categories) {
    DistinctCounter counter = new DistinctCounter();
    categories.keySet().forEach(counter::add);
    return counter;
  }

  private void fold() {
    if (distinct == null) {
      distinct = seeded(counts);
    }
    exact = false;
    LinkedHashMap<String, Long> kept = new LinkedHashMap<>();
    long other = counts.getOrDefault(MonitorProperties.OTHER, 0L);
    List<Map.Entry<String, Long>> sorted =
        counts.entrySet().stream()
            .filter(e -> !e.getKey().equals(MonitorProperties.OTHER))
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
            .toList();
    for (int i = 0; i < sorted.size(); i++) {
      if (i < limit - 1) {
        kept.put(sorted.get(i).getKey(), sorted.get(i).getValue());
      } else {
        other += sorted.get(i).getValue();
      }
    }
    kept.put(MonitorProperties.OTHER, other);
    counts = new HashMap<>(kept);
  }

  /** The sketch as bytes, for the state table. */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(FORMAT);
      out.writeInt(limit);
      out.writeBoolean(exact);
      out.writeInt(counts.size());
      // In key order: the same counts give the same bytes, whatever order they were added in.
      for (String key : new java.util.TreeSet<>(counts.keySet())) {
        out.writeUTF(key);
        out.writeLong(counts.get(key));
      }
      NumericSketch.writeBlock(out, distinct == null ? new byte[0] : distinct.toBytes());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sketch {@link #toBytes()} wrote (also the format before the HLL). */
  public static CategoricalSketch fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int first = in.readInt();
      boolean current = first == FORMAT || first == FORMAT_DATASKETCHES_HLL;
      CategoricalSketch sketch = new CategoricalSketch(current ? in.readInt() : first);
      sketch.exact = in.readBoolean();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        sketch.counts.put(in.readUTF(), in.readLong());
      }
      if (current) {
        byte[] counter = NumericSketch.readBlock(in);
        if (counter.length > 0 && first == FORMAT) {
          sketch.distinct = DistinctCounter.fromBytes(counter);
        } else if (counter.length > 0) {
          sketch.distinct = new DistinctCounter();
          sketch.legacyDistinct = Math.round(HllSketch.heapify(counter).getEstimate());
        }
      }
      return sketch;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    NumericSketch.writeBlock(out, toBytes());
  }

  private void readObject(ObjectInputStream in) throws IOException {
    CategoricalSketch read = fromBytes(NumericSketch.readBlock(in));
    limit = read.limit;
    exact = read.exact;
    counts = read.counts;
    distinct = read.distinct;
    legacyDistinct = read.legacyDistinct;
  }
}
