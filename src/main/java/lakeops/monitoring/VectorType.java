package lakeops.monitoring;

import java.io.Serializable;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * How the columnar profile scan reads a monitored column from a column vector: as the double or the
 * string the row scan's projection would cast it to ({@code CAST(c AS DOUBLE)} for numeric columns,
 * {@code CAST(c AS STRING)} for categorical ones, {@code xxhash64(c)} for timestamps and dates),
 * and how Spark's {@code xxhash64} hashes that value.
 *
 * @param code the vector's type
 * @param precision a decimal's precision (0 otherwise)
 * @param scale a decimal's scale (0 otherwise)
 */
record VectorType(Code code, int precision, int scale) implements Serializable {

  /** The vector types the columnar scan reads. */
  enum Code {
    DOUBLE,
    FLOAT,
    LONG,
    INT,
    SHORT,
    BYTE,
    DECIMAL,
    STRING,
    BOOLEAN,
    TIMESTAMP,
    DATE
  }

  private static final UTF8String TRUE = UTF8String.fromString("true");
  private static final UTF8String FALSE = UTF8String.fromString("false");

  /**
   * The vector type of a column of {@code type}, or empty when the columnar scan cannot read it.
   */
  static Optional<VectorType> of(DataType type) {
    Code code =
        type instanceof DoubleType
            ? Code.DOUBLE
            : type instanceof FloatType
                ? Code.FLOAT
                : type instanceof LongType
                    ? Code.LONG
                    : type instanceof IntegerType
                        ? Code.INT
                        : type instanceof ShortType
                            ? Code.SHORT
                            : type instanceof ByteType
                                ? Code.BYTE
                                : type instanceof DecimalType
                                    ? Code.DECIMAL
                                    // Only the default collation: others compare and hash
                                    // differently.
                                    : type.equals(DataTypes.StringType)
                                        ? Code.STRING
                                        : type instanceof BooleanType
                                            ? Code.BOOLEAN
                                            : type instanceof TimestampType
                                                    || type instanceof TimestampNTZType
                                                ? Code.TIMESTAMP
                                                : type instanceof DateType ? Code.DATE : null;
    if (code == null) {
      return Optional.empty();
    }
    return Optional.of(
        type instanceof DecimalType d
            ? new VectorType(code, d.precision(), d.scale())
            : new VectorType(code, 0, 0));
  }

  /** Row {@code row}'s value as {@code CAST(value AS DOUBLE)} gives it (not null). */
  double doubleAt(ColumnVector vector, int row) {
    return switch (code) {
      case DOUBLE -> vector.getDouble(row);
      case FLOAT -> vector.getFloat(row);
      case LONG -> vector.getLong(row);
      case INT -> vector.getInt(row);
      case SHORT -> vector.getShort(row);
      case BYTE -> vector.getByte(row);
      case DECIMAL -> vector.getDecimal(row, precision, scale).toDouble();
      default -> throw new IllegalStateException("Not a numeric vector: " + code);
    };
  }

  /** Row {@code row}'s value as {@code CAST(value AS STRING)} gives it (not null). */
  UTF8String stringAt(ColumnVector vector, int row) {
    return switch (code) {
      case STRING -> vector.getUTF8String(row);
      case BOOLEAN -> vector.getBoolean(row) ? TRUE : FALSE;
      default -> throw new IllegalStateException("Not a categorical vector: " + code);
    };
  }

  /**
   * Row {@code row}'s value as {@code xxhash64(value)} gives it (not null), for timestamps and
   * dates.
   */
  long hashAt(ColumnVector vector, int row) {
    return switch (code) {
      case TIMESTAMP -> XXH64.hashLong(vector.getLong(row), ProfileScan.XXHASH_SEED);
      case DATE -> XXH64.hashInt(vector.getInt(row), ProfileScan.XXHASH_SEED);
      default -> throw new IllegalStateException("Not a timestamp or date vector: " + code);
    };
  }

  /** The bits Spark's {@code xxhash64} hashes for a double: −0.0 hashes as 0.0. */
  static long hashBits(double value) {
    return value == 0.0 ? 0L : Double.doubleToLongBits(value);
  }

  /** Spark's {@code xxhash64} of a string, chained from {@code seed}. */
  static long hash(UTF8String value, long seed) {
    return XXH64.hashUnsafeBytes(
        value.getBaseObject(), value.getBaseOffset(), value.numBytes(), seed);
  }
}
