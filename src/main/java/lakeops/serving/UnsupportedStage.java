package lakeops.serving;

/**
 * Thrown while compiling a stage the JVM evaluator does not cover; the stage then runs in Spark.
 */
final class UnsupportedStage extends RuntimeException {

  UnsupportedStage(String reason) {
    super(reason, null, false, false);
  }
}
