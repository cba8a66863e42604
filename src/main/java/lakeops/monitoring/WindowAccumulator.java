package lakeops.monitoring;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lakeops.monitoring.ColumnProfile.Kind;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Everything the profile scan accumulates for one window, slice and model version: row count,
 * fingerprint sums, one accumulator per monitored column and the model-quality sums. Rows are read
 * as Spark's internal rows of the scan's projection ({@link ScanLayout}), or column by column from
 * the scan's column vectors ({@link #select}, then {@link #drain}), so values are never boxed or
 * decoded into Java strings; partial accumulators of the tasks merge on the driver.
 *
 * <p>The fingerprint of a window sums, over its rows and monitored columns, Spark's {@code
 * xxhash64(seed, value)} of each projected value (the seed hashes the row's slice values and model,
 * so moving a value between slices counts as a change), in two 32-bit halves so the sums cannot
 * overflow; {@link ProfileScan#fingerprintTerms} is the same sum in Spark SQL.
 */
final class WindowAccumulator implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final long LOW_BITS = 0xffffffffL;

  private long rows;
  private final Sums hash = new Sums();
  private final boolean fingerprinted;
  private final ColumnAccumulator[] columns;
  private final QualityAccumulator quality;
  private transient int[] selection;
  private transient int selected;

  /**
   * An empty accumulator; {@code fingerprinted} ones (whole windows) also sum the values' hashes.
   */
  WindowAccumulator(ScanLayout layout, boolean fingerprinted) {
    this.fingerprinted = fingerprinted;
    columns = new ColumnAccumulator[layout.kinds().size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] =
          switch (layout.kinds().get(i)) {
            case NUMERIC -> new NumericColumn(layout.sketchSize(), layout.sketchAccuracy());
            case CATEGORICAL -> new CategoricalColumn(layout.categoryLimit());
            case OTHER -> new OtherColumn();
          };
    }
    quality = layout.quality() == null ? null : new QualityAccumulator(layout);
  }

  /** Adds one row of the scan's projection. */
  void add(InternalRow row, ScanLayout layout) {
    rows++;
    hash.high += row.getLong(ScanLayout.HASH_HIGH);
    hash.low += row.getLong(ScanLayout.HASH_LOW);
    int position = layout.firstColumn();
    for (ColumnAccumulator column : columns) {
      column.add(row, position++);
    }
    if (quality != null) {
      quality.add(row, layout);
    }
  }

  /**
   * Columnar scan: takes row {@code row} of the current batch, whose {@code keys} (the layout's
   * projection without the monitored columns, or null when the monitor needs none) hold the
   * model-quality inputs and their fingerprint terms; its monitored values come with {@link
   * #drain}. Returns true for the batch's first row of this accumulator.
   */
  boolean select(int row, InternalRow keys, ScanLayout layout) {
    rows++;
    if (keys != null) {
      hash.high += keys.getLong(ScanLayout.HASH_HIGH);
      hash.low += keys.getLong(ScanLayout.HASH_LOW);
      if (quality != null) {
        quality.add(keys, layout);
      }
    }
    if (selection == null) {
      selection = new int[64];
    } else if (selected == selection.length) {
      selection = java.util.Arrays.copyOf(selection, selected * 2);
    }
    selection[selected++] = row;
    return selected == 1;
  }

  /**
   * Columnar scan: adds the monitored values of the rows {@link #select}ed from {@code batch},
   * whose vector {@code vectors[i]} of type {@code types[i]} ({@link VectorType}) holds monitored
   * column i; {@code seeds} are the rows' fingerprint seeds.
   */
  void drain(
      ColumnarBatch batch, int[] vectors, VectorType[] types, long[] seeds, Scratch scratch) {
    Sums fingerprint = fingerprinted ? hash : null;
    for (int i = 0; i < columns.length; i++) {
      columns[i].add(
          batch.column(vectors[i]), types[i], selection, selected, seeds, fingerprint, scratch);
    }
    selected = 0;
  }

  WindowAccumulator merge(WindowAccumulator other) {
    rows += other.rows;
    hash.high += other.hash.high;
    hash.low += other.hash.low;
    for (int i = 0; i < columns.length; i++) {
      columns[i].merge(other.columns[i]);
    }
    if (quality != null) {
      quality.merge(other.quality);
    }
    return this;
  }

  /** Moves buffered values into the sketches; called before the accumulator leaves its task. */
  WindowAccumulator complete() {
    for (ColumnAccumulator column : columns) {
      column.complete();
    }
    if (quality != null) {
      quality.pairs.complete();
    }
    return this;
  }

  long rows() {
    return rows;
  }

  /**
   * The window's fingerprint: row count and the sums of the high and low halves of the row hashes.
   */
  String fingerprint() {
    return fingerprint(rows, hash.high, hash.low);
  }

  static String fingerprint(long rows, long high, long low) {
    return rows + ":" + high + ":" + low;
  }

  List<ColumnProfile> profiles(List<String> names, List<String> types) {
    List<ColumnProfile> result = new ArrayList<>(columns.length);
    for (int i = 0; i < columns.length; i++) {
      result.add(columns[i].profile(names.get(i), types.get(i), rows));
    }
    return result;
  }

  QualityMetrics quality(ScanLayout layout) {
    return quality == null ? QualityMetrics.NONE : quality.metrics(layout);
  }

  /** One column's counts, moments and distribution. */
  private abstract static class ColumnAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    abstract void add(InternalRow row, int position);

    /**
     * Adds the values of {@code rows[0..n)} of {@code vector}; sums their hashes into {@code
     * fingerprint}. Each kind has its own loop, so that nothing is a virtual call per value.
     */
    void add(
        ColumnVector vector,
        VectorType type,
        int[] rows,
        int n,
        long[] seeds,
        Sums fingerprint,
        Scratch scratch) {
      throw new IllegalStateException(
          "Cannot profile " + getClass().getSimpleName() + " from column vectors");
    }

    abstract void merge(ColumnAccumulator other);

    void complete() {}

    abstract ColumnProfile profile(String name, String type, long rows);
  }

  /**
   * Doubles: moments as Spark's {@code avg} and {@code stddev_samp} compute them, NaN apart. Finite
   * values are buffered and folded in per batch (sum, min, max, a two-pass M2 merged by Chan's
   * formula), which keeps the per-value work to a compare and a store.
   */
  private static final class NumericColumn extends ColumnAccumulator {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 4096;
    // Many groups see few values (one airport's slice of one day): the batch grows up to BATCH.
    private static final int INITIAL_BATCH = 64;
    private long count;
    private long zeros;
    private long nans;
    private long finite;
    private double sum;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final NumericSketch sketch;
    private transient double[] batch;
    private transient int batched;

    NumericColumn(int capacity, double accuracy) {
      sketch = new NumericSketch(capacity, accuracy);
    }

    @Override
    void add(InternalRow row, int position) {
      if (!row.isNullAt(position)) {
        add(row.getDouble(position));
      }
    }

    @Override
    void add(
        ColumnVector vector,
        VectorType type,
        int[] rows,
        int n,
        long[] seeds,
        Sums fingerprint,
        Scratch scratch) {
      boolean nulls = vector.hasNull();
      for (int k = 0; k < n; k++) {
        int r = rows[k];
        if (nulls && vector.isNullAt(r)) {
          if (fingerprint != null) {
            fingerprint.add(seeds[r]);
          }
          continue;
        }
        double v = type.doubleAt(vector, r);
        if (fingerprint != null) {
          fingerprint.add(XXH64.hashLong(VectorType.hashBits(v), seeds[r]));
        }
        add(v);
      }
    }

    private void add(double v) {
      count++;
      if (v == 0) {
        zeros++;
      } else if (Double.isNaN(v)) {
        nans++;
        return;
      }
      if (batch == null) {
        batch = new double[INITIAL_BATCH];
      } else if (batched == batch.length) {
        batch = java.util.Arrays.copyOf(batch, batch.length * 2);
      }
      batch[batched++] = v;
      if (batched == BATCH) {
        complete();
      }
    }

    @Override
    void complete() {
      int n = batched;
      if (n == 0) {
        return;
      }
      double batchSum = 0;
      double batchMin = Double.POSITIVE_INFINITY;
      double batchMax = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        double v = batch[i]; // never NaN: comparisons suffice (Math.min and max also order NaN)
        batchSum += v;
        batchMin = v < batchMin ? v : batchMin;
        batchMax = v > batchMax ? v : batchMax;
      }
      double batchMean = batchSum / n;
      double batchM2 = 0;
      for (int i = 0; i < n; i++) {
        double d = batch[i] - batchMean;
        batchM2 += d * d;
      }
      fold(n, batchSum, batchMean, batchM2, batchMin, batchMax);
      sketch.addAll(batch, n);
      batched = 0;
    }

    private void fold(
        long n,
        double otherSum,
        double otherMean,
        double otherM2,
        double otherMin,
        double otherMax) {
      double total = finite + n;
      double delta = otherMean - mean;
      m2 += otherM2 + delta * delta * finite * n / total;
      mean += delta * n / total;
      finite += n;
      sum += otherSum;
      min = Math.min(min, otherMin);
      max = Math.max(max, otherMax);
    }

    @Override
    void merge(ColumnAccumulator accumulator) {
      NumericColumn other = (NumericColumn) accumulator;
      complete();
      other.complete();
      if (other.finite > 0) {
        fold(other.finite, other.sum, other.mean, other.m2, other.min, other.max);
      }
      count += other.count;
      zeros += other.zeros;
      nans += other.nans;
      sketch.merge(other.sketch);
    }

    @Override
    ColumnProfile profile(String name, String type, long rows) {
      complete();
      boolean any = finite > 0;
      return new ColumnProfile(
          name,
          type,
          Kind.NUMERIC,
          rows,
          count,
          zeros,
          nans,
          sketch.distinctCount() + (nans > 0 ? 1 : 0),
          any ? sum / finite : null,
          finite > 1 ? Math.sqrt(m2 / (finite - 1)) : null,
          any ? min : null,
          any ? max : null,
          null,
          null,
          null,
          sketch.toBytes());
    }
  }

  /**
   * Strings: counted per distinct value in a map keyed by Spark's own UTF-8 strings, moved into the
   * {@link CategoricalSketch} (and the length statistics) when the map grows past twice the
   * category limit and when the task ends.
   */
  private static final class CategoricalColumn extends ColumnAccumulator {
    private static final long serialVersionUID = 1L;
    private final int limit;
    private long count;
    private long totalLength;
    private int minLength = Integer.MAX_VALUE;
    private int maxLength = Integer.MIN_VALUE;
    private transient Map<UTF8String, long[]> pending;
    private final CategoricalSketch sketch;

    CategoricalColumn(int limit) {
      this.limit = limit;
      this.sketch = new CategoricalSketch(limit);
    }

    @Override
    void add(InternalRow row, int position) {
      if (row.isNullAt(position)) {
        return;
      }
      count++;
      add(row.getUTF8String(position), 1);
    }

    @Override
    void add(
        ColumnVector vector,
        VectorType type,
        int[] rows,
        int n,
        long[] seeds,
        Sums fingerprint,
        Scratch scratch) {
      if (vector instanceof WritableColumnVector w && w.hasDictionary()) {
        addEncoded(w, rows, n, seeds, fingerprint, scratch);
        return;
      }
      boolean nulls = vector.hasNull();
      for (int k = 0; k < n; k++) {
        int r = rows[k];
        if (nulls && vector.isNullAt(r)) {
          if (fingerprint != null) {
            fingerprint.add(seeds[r]);
          }
          continue;
        }
        UTF8String value = type.stringAt(vector, r);
        if (fingerprint != null) {
          fingerprint.add(VectorType.hash(value, seeds[r]));
        }
        count++;
        add(value, 1);
      }
    }

    /**
     * Dictionary-encoded strings (Parquet's usual encoding of categories): counts per dictionary
     * id, then decodes each id seen once.
     */
    private void addEncoded(
        WritableColumnVector vector,
        int[] rows,
        int n,
        long[] seeds,
        Sums fingerprint,
        Scratch scratch) {
      WritableColumnVector ids = vector.getDictionaryIds();
      boolean nulls = vector.hasNull();
      int distinct = 0;
      for (int k = 0; k < n; k++) {
        int r = rows[k];
        if (nulls && vector.isNullAt(r)) {
          if (fingerprint != null) {
            fingerprint.add(seeds[r]);
          }
          continue;
        }
        int id = ids.getInt(r);
        if (scratch.count(id) == 0) {
          scratch.first[distinct++] = r;
        }
        scratch.counts[id]++;
      }
      boolean sameSeed = scratch.sameSeed;
      for (int d = 0; d < distinct; d++) {
        int id = ids.getInt(scratch.first[d]);
        UTF8String value = vector.getUTF8String(scratch.first[d]);
        long times = scratch.counts[id];
        if (fingerprint != null && sameSeed) {
          fingerprint.add(VectorType.hash(value, seeds[0]), times);
        }
        count += times;
        add(value, times);
        scratch.values[id] = fingerprint != null && !sameSeed ? value.copy() : null;
        scratch.counts[id] = 0;
      }
      if (fingerprint != null && !sameSeed) {
        for (int k = 0; k < n; k++) {
          int r = rows[k];
          if (!(nulls && vector.isNullAt(r))) {
            fingerprint.add(VectorType.hash(scratch.values[ids.getInt(r)], seeds[r]));
          }
        }
      }
    }

    void add(UTF8String value, long times) {
      if (pending == null) {
        pending = new HashMap<>();
      }
      long[] seen = pending.get(value);
      if (seen != null) {
        seen[0] += times;
        return;
      }
      pending.put(value.copy(), new long[] {times});
      if (pending.size() > 2 * limit) {
        complete();
      }
    }

    @Override
    void complete() {
      if (pending == null) {
        return;
      }
      for (Map.Entry<UTF8String, long[]> e : pending.entrySet()) {
        int length = e.getKey().numChars();
        long n = e.getValue()[0];
        minLength = Math.min(minLength, length);
        maxLength = Math.max(maxLength, length);
        totalLength += length * n;
        sketch.add(e.getKey().toString(), n);
      }
      pending = null;
    }

    @Override
    void merge(ColumnAccumulator accumulator) {
      CategoricalColumn other = (CategoricalColumn) accumulator;
      complete();
      other.complete();
      count += other.count;
      totalLength += other.totalLength;
      minLength = Math.min(minLength, other.minLength);
      maxLength = Math.max(maxLength, other.maxLength);
      sketch.merge(other.sketch);
    }

    @Override
    ColumnProfile profile(String name, String type, long rows) {
      complete();
      boolean any = count > 0;
      return new ColumnProfile(
          name,
          type,
          Kind.CATEGORICAL,
          rows,
          count,
          null,
          null,
          sketch.distinctCount(),
          null,
          null,
          null,
          null,
          any ? minLength : null,
          any ? maxLength : null,
          any ? (double) totalLength / count : null,
          sketch.toBytes());
    }

    Map<String, Long> counts() {
      complete();
      return sketch.counts();
    }
  }

  /**
   * Any other type: the scan projects Spark's 64-bit {@code xxhash64} of the value; counts, and the
   * distinct count of those hashes (as {@code approx_count_distinct} counts them).
   */
  private static final class OtherColumn extends ColumnAccumulator {
    private static final long serialVersionUID = 2L;
    private long count;
    private DistinctCounter distinct = new DistinctCounter();

    @Override
    void add(InternalRow row, int position) {
      if (!row.isNullAt(position)) {
        add(row.getLong(position));
      }
    }

    @Override
    void add(
        ColumnVector vector,
        VectorType type,
        int[] rows,
        int n,
        long[] seeds,
        Sums fingerprint,
        Scratch scratch) {
      boolean nulls = vector.hasNull();
      for (int k = 0; k < n; k++) {
        int r = rows[k];
        if (nulls && vector.isNullAt(r)) {
          if (fingerprint != null) {
            fingerprint.add(seeds[r]);
          }
          continue;
        }
        long hash = type.hashAt(vector, r);
        if (fingerprint != null) {
          fingerprint.add(XXH64.hashLong(hash, seeds[r]));
        }
        add(hash);
      }
    }

    private void add(long hash) {
      count++;
      distinct.add(hash);
    }

    @Override
    void merge(ColumnAccumulator accumulator) {
      OtherColumn other = (OtherColumn) accumulator;
      count += other.count;
      distinct.merge(other.distinct);
    }

    @Override
    ColumnProfile profile(String name, String type, long rows) {
      return new ColumnProfile(
          name,
          type,
          Kind.OTHER,
          rows,
          count,
          null,
          null,
          distinct.estimate(),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null);
    }
  }

  /**
   * Model-quality sums of an inference log, as {@link QualityMetrics} defines them: (prediction,
   * label) pair counts, score sketches of the positives and negatives and log-loss sums for
   * classification; error sums for regression. Only rows with both a label and a prediction count.
   */
  private static final class QualityAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double EPSILON = 1e-15;
    private final CategoricalColumn pairs;
    private final NumericSketch positives;
    private final NumericSketch negatives;
    private final double[] sums = new double[6];
    private final long[] counts = new long[2];

    QualityAccumulator(ScanLayout layout) {
      pairs = new CategoricalColumn(Integer.MAX_VALUE / 4);
      positives = new NumericSketch(layout.sketchSize(), layout.sketchAccuracy());
      negatives = new NumericSketch(layout.sketchSize(), layout.sketchAccuracy());
    }

    void add(InternalRow row, ScanLayout layout) {
      int q = layout.firstQuality();
      if (layout.quality() == ProblemType.CLASSIFICATION) {
        if (!row.isNullAt(q)) {
          pairs.add(row, q);
        }
        if (layout.hasProbability() && !row.isNullAt(q + 1) && !row.isNullAt(q + 2)) {
          double p = row.getDouble(q + 1);
          double y = row.getDouble(q + 2);
          double clipped = Math.max(EPSILON, Math.min(1 - EPSILON, p));
          if (y == 1.0) {
            positives.add(p);
            sums[0] -= Math.log(clipped);
            counts[0]++;
          } else if (y == 0.0) {
            negatives.add(p);
            sums[0] -= Math.log(1 - clipped);
            counts[0]++;
          }
        }
        return;
      }
      if (row.isNullAt(q) || row.isNullAt(q + 1)) {
        return;
      }
      double y = row.getDouble(q);
      double error = y - row.getDouble(q + 1);
      counts[0]++;
      sums[0] += Math.abs(error);
      sums[1] += error * error;
      sums[2] += y;
      sums[3] += y * y;
      if (y != 0) {
        sums[4] += Math.abs(error) / Math.abs(y);
        counts[1]++;
      }
    }

    void merge(QualityAccumulator other) {
      pairs.merge(other.pairs);
      positives.merge(other.positives);
      negatives.merge(other.negatives);
      for (int i = 0; i < sums.length; i++) {
        sums[i] += other.sums[i];
      }
      counts[0] += other.counts[0];
      counts[1] += other.counts[1];
    }

    QualityMetrics metrics(ScanLayout layout) {
      if (layout.quality() == ProblemType.REGRESSION) {
        return QualityMetrics.regression(
            counts[0], sums[0], sums[1], sums[2], sums[3], sums[4], counts[1]);
      }
      return QualityMetrics.classification(
          pairs.counts(),
          layout.hasProbability() ? positives : null,
          layout.hasProbability() ? negatives : null,
          sums[0],
          counts[0]);
    }
  }

  /** Fingerprint sums of 64-bit hashes, in two 32-bit halves so they cannot overflow. */
  static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    long high;
    long low;

    void add(long hash) {
      high += hash >> 32;
      low += hash & LOW_BITS;
    }

    void add(long hash, long times) {
      high += (hash >> 32) * times;
      low += (hash & LOW_BITS) * times;
    }
  }

  /**
   * A task's scratch space for dictionary-encoded columns: counts and decoded values per dictionary
   * id, the first row of each id of a batch, and whether every row of the task has the same seed.
   */
  static final class Scratch {
    long[] counts = new long[256];
    UTF8String[] values = new UTF8String[256];
    int[] first = new int[256];
    final boolean sameSeed;

    Scratch(boolean sameSeed) {
      this.sameSeed = sameSeed;
    }

    /**
     * The count of dictionary id {@code id} so far in this batch, growing the arrays to hold it.
     */
    long count(int id) {
      if (id >= counts.length) {
        int size = Math.max(id + 1, counts.length * 2);
        counts = java.util.Arrays.copyOf(counts, size);
        values = java.util.Arrays.copyOf(values, size);
      }
      return counts[id];
    }

    /** Makes room for the ids of a batch of {@code rows} rows. */
    void reserve(int rows) {
      if (first.length < rows) {
        first = new int[rows];
      }
    }
  }
}
