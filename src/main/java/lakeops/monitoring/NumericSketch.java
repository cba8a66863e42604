package lakeops.monitoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A mergeable distribution of one numeric column in one window: distinct values with their counts,
 * exact up to {@code capacity} distinct values. Past it, the closest neighbouring values merge into
 * their weighted mean (Ben-Haim and Tom-Tov's streaming histogram), halving the size, and the sketch
 * reports itself {@linkplain #exact() approximate}. Nulls and NaN are not added (the profile counts them).
 */
public final class NumericSketch implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int BUFFER = 8192;

  private int capacity;
  private double[] values;
  private long[] counts;
  private int size;
  private double[] buffer;
  private int buffered;
  private boolean exact = true;

  /** Only for serialization. */
  public NumericSketch() {}

  /** An empty sketch keeping {@code capacity} distinct values exactly. */
  public NumericSketch(int capacity) {
    this.capacity = capacity;
    this.values = new double[0];
    this.counts = new long[0];
  }

  /** Adds one value. */
  public void add(double value) {
    if (Double.isNaN(value)) {
      return;
    }
    if (buffer == null) {
      buffer = new double[BUFFER];
    }
    buffer[buffered++] = value;
    if (buffered == buffer.length) {
      flush();
    }
  }

  /** Adds every value of {@code other} to this sketch. */
  public NumericSketch merge(NumericSketch other) {
    other.flush();
    flush();
    mergeSorted(other.values, other.counts, other.size);
    exact &= other.exact;
    compact();
    return this;
  }

  /** Whether every value and count is exact (no merging of neighbours happened). */
  public boolean exact() {
    flush();
    return exact;
  }

  /** The distinct values, ascending. */
  public double[] values() {
    flush();
    return Arrays.copyOf(values, size);
  }

  /** The count of each of {@link #values()}. */
  public long[] counts() {
    flush();
    return Arrays.copyOf(counts, size);
  }

  /** Values added. */
  public long total() {
    flush();
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += counts[i];
    }
    return total;
  }

  /** The {@code q}-quantile (lower value, as {@code percentile_disc}); NaN when empty. */
  public double quantile(double q) {
    flush();
    long total = total();
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < size; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return values[i];
      }
    }
    return values[size - 1];
  }

  private void flush() {
    if (buffered == 0) {
      return;
    }
    double[] sorted = Arrays.copyOf(buffer, buffered);
    buffered = 0;
    Arrays.sort(sorted);
    double[] runValues = new double[sorted.length];
    long[] runCounts = new long[sorted.length];
    int runs = 0;
    for (double v : sorted) {
      if (runs > 0 && runValues[runs - 1] == v) {
        runCounts[runs - 1]++;
      } else {
        runValues[runs] = v;
        runCounts[runs++] = 1;
      }
    }
    mergeSorted(runValues, runCounts, runs);
    compact();
  }

  private void mergeSorted(double[] otherValues, long[] otherCounts, int otherSize) {
    double[] v = new double[size + otherSize];
    long[] c = new long[size + otherSize];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < size || j < otherSize) {
      double next = j >= otherSize || (i < size && values[i] <= otherValues[j]) ? values[i] : otherValues[j];
      long count = 0;
      while (i < size && values[i] == next) {
        count += counts[i++];
      }
      while (j < otherSize && otherValues[j] == next) {
        count += otherCounts[j++];
      }
      v[n] = next;
      c[n++] = count;
    }
    values = v;
    counts = c;
    size = n;
  }

  /** Merges the closest neighbours until at most half the capacity remain. */
  private void compact() {
    while (size > capacity) {
      exact = false;
      double[] gaps = new double[size - 1];
      for (int i = 0; i + 1 < size; i++) {
        gaps[i] = values[i + 1] - values[i];
      }
      double[] sortedGaps = gaps.clone();
      Arrays.sort(sortedGaps);
      double limit = sortedGaps[Math.max(0, Math.min(sortedGaps.length - 1, size - capacity / 2 - 1))];
      double[] v = new double[size];
      long[] c = new long[size];
      int n = 0;
      for (int i = 0; i < size; i++) {
        if (i + 1 < size && gaps[i] <= limit) {
          long merged = counts[i] + counts[i + 1];
          v[n] = (values[i] * counts[i] + values[i + 1] * counts[i + 1]) / merged;
          c[n++] = merged;
          i++;
        } else {
          v[n] = values[i];
          c[n++] = counts[i];
        }
      }
      values = v;
      counts = c;
      size = n;
    }
  }

  /** The sketch as bytes, for the state table. */
  public byte[] toBytes() {
    flush();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + size * 16);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(capacity);
      out.writeBoolean(exact);
      out.writeInt(size);
      for (int i = 0; i < size; i++) {
        out.writeDouble(values[i]);
        out.writeLong(counts[i]);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sketch {@link #toBytes()} wrote. */
  public static NumericSketch fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      NumericSketch sketch = new NumericSketch(in.readInt());
      sketch.exact = in.readBoolean();
      int n = in.readInt();
      sketch.values = new double[n];
      sketch.counts = new long[n];
      for (int i = 0; i < n; i++) {
        sketch.values[i] = in.readDouble();
        sketch.counts[i] = in.readLong();
      }
      sketch.size = n;
      return sketch;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
