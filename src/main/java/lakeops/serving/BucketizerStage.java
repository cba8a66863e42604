package lakeops.serving;

import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.Bucketizer$;
import org.apache.spark.sql.types.StructType;

/**
 * {@link Bucketizer}, single or multi-column: each value becomes its bucket by Spark's own search
 * ({@code Bucketizer.binarySearchForBuckets}); a null stays null, NaN goes to the extra bucket
 * ({@code keep}), drops the row ({@code skip}, with nulls) or fails it, and a value outside the
 * splits fails it.
 */
final class BucketizerStage extends AppendingStage {

  private final String[] columns;
  private final int[] inputs;
  private final int[] outputs;
  private final double[][] splits;
  private final boolean skip;
  private final boolean keep;

  BucketizerStage(Bucketizer model, StructType input) {
    super(model, input);
    boolean multi = model.isSet(model.inputCols());
    columns = multi ? model.getInputCols() : new String[] {model.getInputCol()};
    String[] out = multi ? model.getOutputCols() : new String[] {model.getOutputCol()};
    splits = multi ? model.getSplitsArray() : new double[][] {model.getSplits()};
    inputs = new int[columns.length];
    outputs = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (!isPlainNumber(inputType(columns[i]))) {
        throw new UnsupportedStage("column " + columns[i] + " is not a number");
      }
      inputs[i] = in(columns[i]);
      outputs[i] = out(out[i]);
    }
    skip = model.getHandleInvalid().equals("skip");
    keep = model.getHandleInvalid().equals("keep");
  }

  @Override
  public Object[] apply(Object[] row) {
    if (skip && hasNullOrNaN(row)) {
      return null;
    }
    Object[] result = extend(row);
    for (int i = 0; i < inputs.length; i++) {
      Double value = asDouble(row[inputs[i]]);
      result[outputs[i]] = value == null ? null : bucket(i, value);
    }
    return result;
  }

  private boolean hasNullOrNaN(Object[] row) {
    for (int input : inputs) {
      Double value = asDouble(row[input]);
      if (value == null || value.isNaN()) {
        return true;
      }
    }
    return false;
  }

  private double bucket(int column, double value) {
    try {
      return Bucketizer$.MODULE$.binarySearchForBuckets(splits[column], value, keep);
    } catch (Exception e) { // SparkException: NaN with handleInvalid = error, or out of bounds
      throw new RowFailure(
          "Bucketizer cannot bucket column " + columns[column] + ": " + e.getMessage());
    }
  }
}
