package lakeops.monitoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mergeable count per category of one column in one window, exact up to {@code limit} categories;
 * past twice that, the rarest fold into {@link MonitorProperties#OTHER} and the sketch reports itself
 * {@linkplain #exact() approximate}. Nulls are not added (the profile counts them).
 */
public final class CategoricalSketch implements Serializable {

  private static final long serialVersionUID = 1L;

  private int limit;
  private HashMap<String, Long> counts = new HashMap<>();
  private boolean exact = true;

  /** Only for serialization. */
  public CategoricalSketch() {}

  /** An empty sketch counting {@code limit} categories exactly. */
  public CategoricalSketch(int limit) {
    this.limit = limit;
  }

  /** Adds one value. */
  public void add(String value) {
    counts.merge(value, 1L, Long::sum);
    if (counts.size() > 2 * limit) {
      fold();
    }
  }

  /** Adds every count of {@code other}. */
  public CategoricalSketch merge(CategoricalSketch other) {
    other.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
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
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(n).toList();
  }

  private void fold() {
    exact = false;
    LinkedHashMap<String, Long> kept = new LinkedHashMap<>();
    long other = counts.getOrDefault(MonitorProperties.OTHER, 0L);
    List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
        .filter(e -> !e.getKey().equals(MonitorProperties.OTHER))
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).toList();
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
      out.writeInt(limit);
      out.writeBoolean(exact);
      out.writeInt(counts.size());
      for (Map.Entry<String, Long> e : counts.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sketch {@link #toBytes()} wrote. */
  public static CategoricalSketch fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      CategoricalSketch sketch = new CategoricalSketch(in.readInt());
      sketch.exact = in.readBoolean();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        sketch.counts.put(in.readUTF(), in.readLong());
      }
      return sketch;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
