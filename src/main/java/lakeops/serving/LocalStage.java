package lakeops.serving;

import org.apache.spark.sql.types.StructType;

/**
 * One fitted pipeline stage evaluated row by row in the JVM. A row is an {@code Object[]} of the
 * values a Spark {@code Row} of the stage's input schema holds (String, Double, Integer, Long,
 * Boolean, java.sql.Timestamp, ml.linalg.Vector…); the answer is a row of its output schema.
 */
interface LocalStage {

  /**
   * The output row of {@code row}, or null when the stage drops it (a {@code handleInvalid = skip}
   * stage meeting an invalid value); throws {@link RowFailure} where Spark's transform would fail.
   */
  Object[] apply(Object[] row);

  /** Schema of the rows {@link #apply} returns. */
  StructType outputSchema();

  /**
   * How the stage runs, for the start-up message ({@code in the JVM}, {@code Catalyst
   * expressions}).
   */
  String how();
}
