package lakeops.monitoring;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lakeops.monitoring.ColumnProfile.Kind;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Everything the profile scan accumulates for one window, slice and model version: row count,
 * fingerprint sums, one accumulator per monitored column and the model-quality sums. Rows are read
 * as Spark's internal rows of the scan's projection ({@link ScanLayout}), so values are never boxed
 * or decoded into Java strings; partial accumulators of the tasks merge on the driver.
 */
final class WindowAccumulator implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final long LOW_BITS = 0xffffffffL;

  private long rows;
  private long hashHigh;
  private long hashLow;
  private final ColumnAccumulator[] columns;
  private final QualityAccumulator quality;

  WindowAccumulator(ScanLayout layout) {
    columns = new ColumnAccumulator[layout.kinds().size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = switch (layout.kinds().get(i)) {
        case NUMERIC -> new NumericColumn(layout.sketchSize(), layout.sketchAccuracy());
        case CATEGORICAL -> new CategoricalColumn(layout.categoryLimit());
        case OTHER -> new OtherColumn();
      };
    }
    quality = layout.quality() == null ? null : new QualityAccumulator(layout);
  }

  void add(InternalRow row, ScanLayout layout) {
    rows++;
    long hash = row.getLong(ScanLayout.HASH);
    hashHigh += hash >> 32;
    hashLow += hash & LOW_BITS;
    int position = layout.firstColumn();
    for (ColumnAccumulator column : columns) {
      column.add(row, position++);
    }
    if (quality != null) {
      quality.add(row, layout);
    }
  }

  WindowAccumulator merge(WindowAccumulator other) {
    rows += other.rows;
    hashHigh += other.hashHigh;
    hashLow += other.hashLow;
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

  /** The window's fingerprint: row count and the sums of the high and low halves of the row hashes. */
  String fingerprint() {
    return fingerprint(rows, hashHigh, hashLow);
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
      if (row.isNullAt(position)) {
        return;
      }
      count++;
      double v = row.getDouble(position);
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
        double v = batch[i];
        batchSum += v;
        batchMin = Math.min(batchMin, v);
        batchMax = Math.max(batchMax, v);
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

    private void fold(long n, double otherSum, double otherMean, double otherM2, double otherMin,
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
      return new ColumnProfile(name, type, Kind.NUMERIC, rows, count, zeros, nans,
          sketch.distinctCount() + (nans > 0 ? 1 : 0), any ? sum / finite : null,
          finite > 1 ? Math.sqrt(m2 / (finite - 1)) : null, any ? min : null, any ? max : null,
          null, null, null, sketch.toBytes());
    }
  }

  /**
   * Strings: counted per distinct value in a map keyed by Spark's own UTF-8 strings, moved into the
   * {@link CategoricalSketch} (and the length statistics) when the map grows past twice the category
   * limit and when the task ends.
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
      add(row.getUTF8String(position));
    }

    void add(UTF8String value) {
      if (pending == null) {
        pending = new HashMap<>();
      }
      long[] seen = pending.get(value);
      if (seen != null) {
        seen[0]++;
        return;
      }
      pending.put(value.copy(), new long[] {1});
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
      return new ColumnProfile(name, type, Kind.CATEGORICAL, rows, count, null, null,
          sketch.distinctCount(), null, null, null, null, any ? minLength : null,
          any ? maxLength : null, any ? (double) totalLength / count : null, sketch.toBytes());
    }

    Map<String, Long> counts() {
      complete();
      return sketch.counts();
    }
  }

  /** Any other type: the scan projects a 64-bit hash of the value; counts and HLL distinct count. */
  private static final class OtherColumn extends ColumnAccumulator {
    private static final long serialVersionUID = 1L;
    private long count;
    private transient HllSketch distinct = new HllSketch(MonitorProperties.HLL_LG_K);

    @Override
    void add(InternalRow row, int position) {
      if (!row.isNullAt(position)) {
        count++;
        distinct.update(row.getLong(position));
      }
    }

    @Override
    void merge(ColumnAccumulator accumulator) {
      OtherColumn other = (OtherColumn) accumulator;
      count += other.count;
      Union union = new Union(MonitorProperties.HLL_LG_K);
      union.update(distinct);
      union.update(other.distinct);
      distinct = union.getResult(TgtHllType.HLL_4);
    }

    @Override
    ColumnProfile profile(String name, String type, long rows) {
      return new ColumnProfile(name, type, Kind.OTHER, rows, count, null, null,
          Math.round(distinct.getEstimate()), null, null, null, null, null, null, null, null);
    }

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
      out.defaultWriteObject();
      byte[] bytes = distinct.toCompactByteArray();
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      distinct = HllSketch.heapify(bytes);
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
        return QualityMetrics.regression(counts[0], sums[0], sums[1], sums[2], sums[3], sums[4], counts[1]);
      }
      return QualityMetrics.classification(pairs.counts(), layout.hasProbability() ? positives : null,
          layout.hasProbability() ? negatives : null, sums[0], counts[0]);
    }
  }
}
