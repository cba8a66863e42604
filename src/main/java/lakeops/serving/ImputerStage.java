package lakeops.serving;

import java.util.Arrays;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * {@link ImputerModel}: a null value, or one equal to the missing value (NaN equal to NaN, as in
 * SQL), becomes the column's surrogate; the result keeps the input column's type.
 */
final class ImputerStage extends AppendingStage {

  private final int[] inputs;
  private final int[] outputs;
  private final double[] surrogates;
  private final DataType[] types;
  private final double missing;

  ImputerStage(ImputerModel model, StructType input) {
    super(model, input);
    String[] in = model.getInOutCols()._1();
    String[] out = model.getInOutCols()._2();
    inputs = new int[in.length];
    outputs = new int[in.length];
    surrogates = new double[in.length];
    types = new DataType[in.length];
    for (int i = 0; i < in.length; i++) {
      types[i] = inputType(in[i]);
      if (!isPlainNumber(types[i]) || types[i] instanceof DecimalType) {
        throw new UnsupportedStage("column " + in[i] + " is " + types[i].simpleString());
      }
      inputs[i] = in(in[i]);
      outputs[i] = out(out[i]);
      int column = Arrays.asList(model.columnNames()).indexOf(in[i]);
      if (column < 0) {
        throw new UnsupportedStage("no surrogate for column " + in[i]);
      }
      surrogates[i] = model.surrogates()[column];
    }
    missing = model.getMissingValue();
  }

  @Override
  public Object[] apply(Object[] row) {
    Object[] result = extend(row);
    for (int i = 0; i < inputs.length; i++) {
      Double value = asDouble(row[inputs[i]]);
      double imputed = value == null || isMissing(value) ? surrogates[i] : value;
      result[outputs[i]] = castBack(imputed, types[i]);
    }
    return result;
  }

  private boolean isMissing(double value) {
    return Double.isNaN(missing) ? Double.isNaN(value) : value == missing;
  }

  /** The imputed double as the input column's type, as {@code CAST(x AS <type>)} truncates it. */
  private static Object castBack(double value, DataType type) {
    if (type.equals(DataTypes.DoubleType)) {
      return value;
    } else if (type.equals(DataTypes.FloatType)) {
      return (float) value;
    } else if (type.equals(DataTypes.IntegerType)) {
      return (int) value;
    } else if (type.equals(DataTypes.LongType)) {
      return (long) value;
    } else if (type.equals(DataTypes.ShortType)) {
      return (short) value;
    }
    return (byte) value;
  }
}
