package lakeops.monitoring;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * Spark aggregators that build {@link NumericSketch}es and {@link CategoricalSketch}es inside one
 * shared aggregation (partial aggregation per task, then merged), returning the sketch's bytes.
 */
final class SketchAggregators {

  private SketchAggregators() {}

  /** Distribution of a double column. */
  static final class Numeric extends Aggregator<Double, NumericSketch, byte[]> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    Numeric(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public NumericSketch zero() {
      return new NumericSketch(capacity);
    }

    @Override
    public NumericSketch reduce(NumericSketch sketch, Double value) {
      if (value != null) {
        sketch.add(value);
      }
      return sketch;
    }

    @Override
    public NumericSketch merge(NumericSketch left, NumericSketch right) {
      return left.merge(right);
    }

    @Override
    public byte[] finish(NumericSketch sketch) {
      return sketch.toBytes();
    }

    @Override
    public Encoder<NumericSketch> bufferEncoder() {
      return Encoders.kryo(NumericSketch.class);
    }

    @Override
    public Encoder<byte[]> outputEncoder() {
      return Encoders.BINARY();
    }
  }

  /** Counts per category of a string column. */
  static final class Categorical extends Aggregator<String, CategoricalSketch, byte[]> {
    private static final long serialVersionUID = 1L;
    private final int limit;

    Categorical(int limit) {
      this.limit = limit;
    }

    @Override
    public CategoricalSketch zero() {
      return new CategoricalSketch(limit);
    }

    @Override
    public CategoricalSketch reduce(CategoricalSketch sketch, String value) {
      if (value != null) {
        sketch.add(value);
      }
      return sketch;
    }

    @Override
    public CategoricalSketch merge(CategoricalSketch left, CategoricalSketch right) {
      return left.merge(right);
    }

    @Override
    public byte[] finish(CategoricalSketch sketch) {
      return sketch.toBytes();
    }

    @Override
    public Encoder<CategoricalSketch> bufferEncoder() {
      return Encoders.kryo(CategoricalSketch.class);
    }

    @Override
    public Encoder<byte[]> outputEncoder() {
      return Encoders.BINARY();
    }
  }
}
