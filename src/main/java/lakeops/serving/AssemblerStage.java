package lakeops.serving;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.feature.VectorAssembler$;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * {@link VectorAssembler}: numbers (cast to double) and vectors joined into one vector by Spark's
 * own {@code VectorAssembler.assemble}, so sparse or dense comes out as in Spark. A null or NaN
 * drops the row ({@code skip}), becomes NaNs of the column's length ({@code keep}) or fails it
 * ({@code error}).
 */
final class AssemblerStage extends AppendingStage {

  private final String[] columns;
  private final int[] inputs;
  private final boolean[] vectors;
  private final int[] lengths;
  private final int output;
  private final boolean skip;
  private final boolean keep;

  AssemblerStage(VectorAssembler assembler, StructType input) {
    super(assembler, input);
    columns = assembler.getInputCols();
    inputs = new int[columns.length];
    vectors = new boolean[columns.length];
    lengths = new int[columns.length];
    skip = assembler.getHandleInvalid().equals("skip");
    keep = assembler.getHandleInvalid().equals("keep");
    for (int i = 0; i < columns.length; i++) {
      DataType type = inputType(columns[i]);
      inputs[i] = in(columns[i]);
      vectors[i] = type.equals(SQLDataTypes.VectorType());
      if (vectors[i]) {
        lengths[i] = AttributeGroup.fromStructField(input.apply(columns[i])).size();
        if (lengths[i] < 0 && keep) {
          throw new UnsupportedStage("the length of vector column " + columns[i] + " is unknown");
        }
      } else if (isPlainNumber(type) || type instanceof BooleanType) {
        lengths[i] = 1;
      } else {
        throw new UnsupportedStage("column " + columns[i] + " is " + type.simpleString());
      }
    }
    output = out(assembler.getOutputCol());
  }

  @Override
  public Object[] apply(Object[] row) {
    Object[] values = new Object[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      Object value = row[inputs[i]];
      values[i] = vectors[i] ? value : asDouble(value);
      if (skip && (values[i] == null || (!vectors[i] && ((Double) values[i]).isNaN()))) {
        return null;
      }
    }
    Object[] result = extend(row);
    result[output] = assemble(values);
    return result;
  }

  private Vector assemble(Object[] values) {
    try {
      return VectorAssembler$.MODULE$.assemble(
          lengths, keep, scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(values));
    } catch (Exception e) { // SparkException: a null or NaN with handleInvalid = error
      throw new RowFailure(
          "VectorAssembler cannot assemble " + String.join(", ", columns) + ": " + e.getMessage());
    }
  }
}
