package lakeops.serving;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Base of the stages that keep their input columns and add columns after them, as MLlib's feature
 * transformers and models do: the output schema is the stage's own {@code transformSchema}.
 */
abstract class AppendingStage implements LocalStage {

  private final StructType input;
  private StructType output;

  AppendingStage(Transformer stage, StructType input) {
    this.input = input;
    this.output = stage.transformSchema(input);
    if (output.size() < input.size()
        || !Arrays.equals(Arrays.copyOf(output.fields(), input.size()), input.fields())) {
      throw new UnsupportedStage("it does not only add columns");
    }
  }

  @Override
  public final StructType outputSchema() {
    return output;
  }

  @Override
  public String how() {
    return "in the JVM";
  }

  /**
   * Records that vector column {@code name} has {@code size} elements, as the metadata of Spark's
   * transform does (a stage's {@code transformSchema} may not know it; an assembler keeping nulls
   * needs it).
   */
  final void vectorSize(String name, int size) {
    StructField[] fields = output.fields().clone();
    int position = output.fieldIndex(name);
    fields[position] = new AttributeGroup(name, size).toStructField();
    output = new StructType(fields);
  }

  /**
   * Orders the added columns as {@code added} (transform's order, where transformSchema's differs).
   */
  final void addedInOrder(List<String> added) {
    StructType ordered = input;
    for (String name : added) {
      ordered = ordered.add(output.apply(name));
    }
    if (ordered.size() != output.size()) {
      throw new UnsupportedStage("it adds columns other than " + added);
    }
    output = ordered;
  }

  /** A new output row holding {@code row}'s values, the added columns still null. */
  final Object[] extend(Object[] row) {
    return Arrays.copyOf(row, output.size());
  }

  /** Position of input column {@code name}. */
  final int in(String name) {
    return input.fieldIndex(name);
  }

  /** Position of output column {@code name}. */
  final int out(String name) {
    return output.fieldIndex(name);
  }

  final DataType inputType(String name) {
    return input.apply(name).dataType();
  }

  /** Whether values of {@code type} are Java numbers (boxed, or BigDecimal) read as doubles. */
  static boolean isPlainNumber(DataType type) {
    return type instanceof DecimalType
        || type.equals(DataTypes.DoubleType)
        || type.equals(DataTypes.FloatType)
        || type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.LongType)
        || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.ByteType);
  }

  /** {@code value} cast to double as Spark's {@code CAST(x AS DOUBLE)} does; null stays null. */
  static Double asDouble(Object value) {
    if (value == null || value instanceof Double) {
      return (Double) value;
    }
    if (value instanceof Boolean flag) {
      return flag ? 1.0 : 0.0;
    }
    return ((Number) value).doubleValue();
  }
}
