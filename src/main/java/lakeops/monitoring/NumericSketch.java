package lakeops.monitoring;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.datasketches.hll.HllSketch;

/**
 * A mergeable distribution of one numeric column in one window: distinct values with their counts,
 * exact up to {@code capacity} distinct values. Past it the sketch turns into a DDSketch (Datadog's
 * relative-error quantile sketch: logarithmic buckets, each value counted in the bucket that holds
 * it within the relative {@code accuracy}) plus a {@link DistinctCounter} (HyperLogLog++ as Spark's
 * {@code approx_count_distinct}), and reports itself {@linkplain #exact() approximate}. The buckets
 * are fixed by the value alone, so a reference and a current window that share a distribution share
 * their bucket counts too: bucketing coarsens both sides alike and adds no drift of its own. Nulls
 * and NaN are not added (the profile counts them).
 */
final class NumericSketch implements Serializable {

  private static final long serialVersionUID = 2L;
  private static final int BUFFER = 8192;
  // Sketches of small groups (a window × slice × model seen a few times) stay small: the buffer
  // grows.
  private static final int INITIAL_BUFFER = 64;
  // "LON3": DDSketch and HyperLogLog++ registers; "LON2" had an Apache DataSketches HLL instead.
  private static final int FORMAT = 0x4C4F4E33;
  private static final int FORMAT_DATASKETCHES_HLL = 0x4C4F4E32;

  private static final int MAX_BUCKETS = 2048;

  private int capacity;
  private double accuracy;
  private double[] values;
  private long[] counts;
  private int size;
  private double[] buffer;
  private int buffered;
  private transient DDSketch buckets;
  private transient DistinctCounter distinct;
  // A sketch of the "LON2" format read back: its distinct count is an estimate of another hash.
  private transient long legacyDistinct = -1;
  private transient double[] viewValues;
  private transient int[] indexes;
  private transient long[] viewCounts;

  /**
   * An empty sketch keeping {@code capacity} distinct values exactly, then the default accuracy.
   */
  public NumericSketch(int capacity) {
    this(capacity, MonitorProperties.NUMERIC_SKETCH_ACCURACY_DEFAULT);
  }

  /**
   * An empty sketch keeping {@code capacity} distinct values exactly, then buckets of {@code
   * accuracy}.
   */
  public NumericSketch(int capacity, double accuracy) {
    this.capacity = capacity;
    this.accuracy = accuracy;
    this.values = new double[0];
    this.counts = new long[0];
  }

  /** Adds one value. */
  public void add(double value) {
    if (Double.isNaN(value)) {
      return;
    }
    if (buffer == null) {
      buffer = new double[INITIAL_BUFFER];
    } else if (buffered == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    }
    buffer[buffered++] = value;
    if (buffered == BUFFER) {
      flush();
    }
  }

  /** Adds the first {@code n} of {@code batch} (NaN skipped). */
  public void addAll(double[] batch, int n) {
    if (buckets != null) {
      flush();
      viewValues = null;
      bucketAll(batch, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      add(batch[i]);
    }
  }

  /** Adds every value of {@code other} to this sketch. */
  public NumericSketch merge(NumericSketch other) {
    other.flush();
    flush();
    viewValues = null;
    if (buckets == null && other.buckets == null) {
      mergeSorted(other.values, other.counts, other.size);
      if (size > capacity) {
        approximate();
      }
      return this;
    }
    if (buckets == null) {
      approximate();
    }
    if (other.buckets == null) {
      for (int i = 0; i < other.size; i++) {
        accept(other.values[i], other.counts[i]);
        distinct.add(other.values[i]);
      }
    } else {
      buckets.mergeWith(other.buckets);
      distinct.merge(other.distinct);
      legacyDistinct = Math.max(legacyDistinct, other.legacyDistinct);
    }
    return this;
  }

  /** Whether every value and count is exact (the sketch never exceeded its capacity). */
  public boolean exact() {
    flush();
    return buckets == null;
  }

  /** The distinct values, ascending (approximate: each bucket's representative value). */
  public double[] values() {
    flush();
    if (buckets == null) {
      return Arrays.copyOf(values, size);
    }
    view();
    return viewValues.clone();
  }

  /** The count of each of {@link #values()} (approximate: the bucket counts). */
  public long[] counts() {
    flush();
    if (buckets == null) {
      return Arrays.copyOf(counts, size);
    }
    view();
    return viewCounts.clone();
  }

  /** Values added. */
  public long total() {
    flush();
    if (buckets != null) {
      return Math.round(buckets.getCount());
    }
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += counts[i];
    }
    return total;
  }

  /**
   * Distinct values added: exact while the sketch is, else the HyperLogLog++ estimate, which equals
   * Spark's {@code approx_count_distinct(value, 0.0173)} (about 1.6% error).
   */
  public long distinctCount() {
    flush();
    return buckets == null
        ? size
        : legacyDistinct >= 0 ? Math.max(legacyDistinct, distinct.estimate()) : distinct.estimate();
  }

  /** The {@code q}-quantile (lower value, as {@code percentile_disc}); NaN when empty. */
  public double quantile(double q) {
    double[] v = values();
    long[] c = counts();
    long total = 0;
    for (long n : c) {
      total += n;
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < v.length; i++) {
      seen += c[i];
      if (seen >= rank) {
        return v[i];
      }
    }
    return v[v.length - 1];
  }

  private void flush() {
    if (buffered == 0) {
      return;
    }
    viewValues = null;
    if (buckets != null) {
      bucketAll(buffer, buffered);
      buffered = 0;
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
    if (size > capacity) {
      approximate();
    }
  }

  /** Moves the exact values into a DDSketch and an HLL sketch; from here on values go to those. */
  private void approximate() {
    buckets = newBuckets(accuracy);
    distinct = new DistinctCounter();
    for (int i = 0; i < size; i++) {
      accept(values[i], counts[i]);
      distinct.add(values[i]);
    }
    values = new double[0];
    counts = new long[0];
    size = 0;
  }

  /**
   * Counts the first {@code n} of {@code batch} (NaN skipped) into the buckets and the distinct
   * counter. Positive values, the usual bulk, are counted per bucket index in a local array first
   * and then added to the DDSketch store once per bucket: the store then grows its range once per
   * batch, not once per new extreme value. Same buckets and counts as {@code DDSketch.accept} value
   * by value.
   */
  private void bucketAll(double[] batch, int n) {
    IndexMapping mapping = buckets.getIndexMapping();
    double smallest = Math.max(0, mapping.minIndexableValue());
    double largest = mapping.maxIndexableValue();
    if (indexes == null || indexes.length < n) {
      indexes = new int[Math.max(n, 64)];
    }
    int low = Integer.MAX_VALUE;
    int high = Integer.MIN_VALUE;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      double v = batch[i];
      if (Double.isNaN(v)) {
        continue;
      }
      distinct.add(v);
      if (v > smallest) {
        int index = mapping.index(Math.min(v, largest));
        indexes[positives++] = index;
        low = Math.min(low, index);
        high = Math.max(high, index);
      } else {
        accept(v, 1);
      }
    }
    if (positives == 0) {
      return;
    }
    long[] perIndex = new long[high - low + 1];
    for (int i = 0; i < positives; i++) {
      perIndex[indexes[i] - low]++;
    }
    Store store = buckets.getPositiveValueStore();
    for (int i = 0; i < perIndex.length; i++) {
      if (perIndex[i] > 0) {
        store.add(low + i, perIndex[i]);
      }
    }
  }

  /** {@code DDSketch.accept}, with infinite values counted in the outermost buckets. */
  private void accept(double value, long count) {
    double largest = buckets.getIndexMapping().maxIndexableValue();
    buckets.accept(Math.max(-largest, Math.min(largest, value)), count);
  }

  private static DDSketch newBuckets(double accuracy) {
    return DDSketch.balancedCollapsingLowest(accuracy, MAX_BUCKETS);
  }

  /** Bucket representatives and counts, ascending: negative buckets, zero, positive buckets. */
  private void view() {
    if (viewValues != null) {
      return;
    }
    int n =
        buckets.getNegativeValueStore().getStream().mapToInt(bin -> 1).sum()
            + buckets.getPositiveValueStore().getStream().mapToInt(bin -> 1).sum()
            + 1;
    double[] v = new double[n];
    long[] c = new long[n];
    int size = 0;
    Iterator<Bin> negative = buckets.getNegativeValueStore().getDescendingIterator();
    while (negative.hasNext()) {
      Bin bin = negative.next();
      v[size] = -buckets.getIndexMapping().value(bin.getIndex());
      c[size++] = Math.round(bin.getCount());
    }
    long zeros =
        Math.round(
            buckets.getCount()
                - buckets.getNegativeValueStore().getTotalCount()
                - buckets.getPositiveValueStore().getTotalCount());
    if (zeros > 0) {
      v[size] = 0;
      c[size++] = zeros;
    }
    Iterator<Bin> positive = buckets.getPositiveValueStore().getAscendingIterator();
    while (positive.hasNext()) {
      Bin bin = positive.next();
      v[size] = buckets.getIndexMapping().value(bin.getIndex());
      c[size++] = Math.round(bin.getCount());
    }
    viewValues = Arrays.copyOf(v, size);
    viewCounts = Arrays.copyOf(c, size);
  }

  private void mergeSorted(double[] otherValues, long[] otherCounts, int otherSize) {
    double[] v = new double[size + otherSize];
    long[] c = new long[size + otherSize];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < size || j < otherSize) {
      double next =
          j >= otherSize || (i < size && values[i] <= otherValues[j]) ? values[i] : otherValues[j];
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

  /** The sketch as bytes, for the state table. */
  public byte[] toBytes() {
    flush();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + size * 16);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(FORMAT);
      out.writeInt(capacity);
      out.writeDouble(accuracy);
      out.writeBoolean(buckets == null);
      if (buckets == null) {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
          out.writeDouble(values[i]);
          out.writeLong(counts[i]);
        }
      } else {
        GrowingByteArrayOutput encoded = GrowingByteArrayOutput.withDefaultInitialCapacity();
        buckets.encode(encoded, false);
        writeBlock(out, encoded.trimmedCopy());
        writeBlock(out, distinct.toBytes());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The sketch {@link #toBytes()} wrote (also the format before KLL: pairs, approximate ones too).
   */
  public static NumericSketch fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int first = in.readInt();
      if (first != FORMAT && first != FORMAT_DATASKETCHES_HLL) {
        return legacy(first, in);
      }
      NumericSketch sketch = new NumericSketch(in.readInt(), in.readDouble());
      if (in.readBoolean()) {
        sketch.readPairs(in);
      } else {
        sketch.buckets =
            DDSketch.decode(
                ByteArrayInput.wrap(readBlock(in)),
                () -> new CollapsingLowestDenseStore(MAX_BUCKETS));
        byte[] counter = readBlock(in);
        if (first == FORMAT) {
          sketch.distinct = DistinctCounter.fromBytes(counter);
        } else {
          sketch.distinct = new DistinctCounter();
          sketch.legacyDistinct = Math.round(HllSketch.heapify(counter).getEstimate());
        }
      }
      return sketch;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NumericSketch legacy(int capacity, DataInputStream in) throws IOException {
    NumericSketch sketch = new NumericSketch(capacity);
    boolean exact = in.readBoolean();
    sketch.readPairs(in);
    if (!exact) {
      sketch.approximate();
    }
    return sketch;
  }

  private void readPairs(DataInputStream in) throws IOException {
    int n = in.readInt();
    values = new double[n];
    counts = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readDouble();
      counts[i] = in.readLong();
    }
    size = n;
  }

  /** Writes {@code block} with its length first (the sketches' byte and Java serialization). */
  static void writeBlock(java.io.DataOutput out, byte[] block) throws IOException {
    out.writeInt(block.length);
    out.write(block);
  }

  /** Reads a block {@link #writeBlock} wrote. */
  static byte[] readBlock(java.io.DataInput in) throws IOException {
    byte[] block = new byte[in.readInt()];
    in.readFully(block);
    return block;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    writeBlock(out, toBytes());
  }

  private void readObject(ObjectInputStream in) throws IOException {
    NumericSketch read = fromBytes(readBlock(in));
    capacity = read.capacity;
    accuracy = read.accuracy;
    values = read.values;
    counts = read.counts;
    size = read.size;
    buckets = read.buckets;
    distinct = read.distinct;
    legacyDistinct = read.legacyDistinct;
  }
}
