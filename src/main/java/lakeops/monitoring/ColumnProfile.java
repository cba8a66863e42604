package lakeops.monitoring;

/**
 * The profile of one column in one window: counts and moments, the distribution as a sketch
 * (numeric or categorical bytes, null for other types).
 *
 * @param column column name
 * @param dataType Spark SQL type name
 * @param kind how the column is profiled
 * @param rows rows of the window
 * @param count non-null values
 * @param zeros values equal to 0 (numeric)
 * @param nans NaN values (floating point)
 * @param distinct distinct values: exact while the sketch is, else a HyperLogLog++ estimate equal
 *     to Spark's {@code approx_count_distinct(value, 0.0173)} (about 1.6% error)
 * @param avg mean
 * @param stddev sample standard deviation
 * @param min minimum
 * @param max maximum
 * @param minLength shortest string
 * @param maxLength longest string
 * @param avgLength mean string length
 * @param sketch the distribution, as bytes
 */
record ColumnProfile(
    String column,
    String dataType,
    Kind kind,
    long rows,
    long count,
    Long zeros,
    Long nans,
    Long distinct,
    Double avg,
    Double stddev,
    Double min,
    Double max,
    Integer minLength,
    Integer maxLength,
    Double avgLength,
    byte[] sketch) {

  /** How a column is profiled and compared. */
  public enum Kind {
    /** Numbers: moments, quantiles, KS, PSI, Wasserstein, JS. */
    NUMERIC,
    /** Strings and booleans: frequent items, chi-squared, TV, L∞, JS. */
    CATEGORICAL,
    /** Anything else: counts only. */
    OTHER
  }

  /** Nulls of the window. */
  public long nulls() {
    return rows - count;
  }

  /** The numeric sketch (numeric columns only). */
  public NumericSketch numericSketch() {
    return NumericSketch.fromBytes(sketch);
  }

  /** The categorical sketch (categorical columns only). */
  public CategoricalSketch categoricalSketch() {
    return CategoricalSketch.fromBytes(sketch);
  }
}
