package lakeops.monitoring;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.catalyst.util.HyperLogLogPlusPlusHelper;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * An approximate distinct count kept as Spark's {@code approx_count_distinct} keeps it:
 * HyperLogLog++ registers of Spark's 64-bit {@code xxhash64} of each value, estimated by Spark's
 * own {@link HyperLogLogPlusPlusHelper} (bias correction, linear counting for small counts). With
 * the same hash and {@link MonitorProperties#DISTINCT_RELATIVE_SD} the estimate equals {@code
 * approx_count_distinct(value, 0.0173)} on the same values, and counters of disjoint parts merge
 * into the counter of the whole. A register update is a shift, a leading-zero count and a max.
 */
final class DistinctCounter implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int REGISTER_BITS = 6;
  private static final int REGISTERS_PER_WORD = Long.SIZE / REGISTER_BITS;
  private static final HyperLogLogPlusPlusHelper ESTIMATOR =
      new HyperLogLogPlusPlusHelper(MonitorProperties.DISTINCT_RELATIVE_SD);

  private final byte[] registers = new byte[1 << MonitorProperties.HLL_LG_K];

  /** Adds a value by its 64-bit hash, as Spark's {@code xxhash64} of the value gives it. */
  void add(long hash) {
    int p = MonitorProperties.HLL_LG_K;
    int index = (int) (hash >>> (Long.SIZE - p));
    int rank = Long.numberOfLeadingZeros((hash << p) | (1L << (p - 1))) + 1;
    if (rank > registers[index]) {
      registers[index] = (byte) rank;
    }
  }

  /** Adds a double (not NaN), hashed as Spark hashes it for {@code approx_count_distinct}. */
  void add(double value) {
    add(XXH64.hashLong(VectorType.hashBits(value), ProfileScan.XXHASH_SEED));
  }

  /** Adds a string, hashed as Spark hashes its UTF-8 bytes. */
  void add(String value) {
    add(VectorType.hash(UTF8String.fromString(value), ProfileScan.XXHASH_SEED));
  }

  /** Counts the values of {@code other} too. */
  DistinctCounter merge(DistinctCounter other) {
    for (int i = 0; i < registers.length; i++) {
      registers[i] = (byte) Math.max(registers[i], other.registers[i]);
    }
    return this;
  }

  /** The estimated number of distinct values added. */
  long estimate() {
    Object[] words = new Object[registers.length / REGISTERS_PER_WORD + 1];
    Arrays.fill(words, 0L);
    for (int i = 0; i < registers.length; i++) {
      int word = i / REGISTERS_PER_WORD;
      words[word] =
          (Long) words[word] | ((long) registers[i] << (REGISTER_BITS * (i % REGISTERS_PER_WORD)));
    }
    return ESTIMATOR.query(new GenericInternalRow(words), 0);
  }

  /** The registers, for the sketch formats that embed the counter. */
  byte[] toBytes() {
    return registers.clone();
  }

  /** The counter {@link #toBytes()} wrote. */
  static DistinctCounter fromBytes(byte[] bytes) {
    DistinctCounter counter = new DistinctCounter();
    if (bytes.length != counter.registers.length) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid distinct counter: expected %d registers, got %d bytes",
              counter.registers.length, bytes.length));
    }
    System.arraycopy(bytes, 0, counter.registers, 0, bytes.length);
    return counter;
  }
}
