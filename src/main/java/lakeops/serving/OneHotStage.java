package lakeops.serving;

import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.StructType;

/**
 * {@link OneHotEncoderModel}: a category index becomes a sparse vector with one 1.0 (none for the
 * dropped last category); a null index gives a null vector, a negative or unseen one the extra
 * category ({@code keep}) or a failure ({@code error}).
 */
final class OneHotStage extends AppendingStage {

  private static final int[] NO_INDICES = new int[0];
  private static final double[] NO_VALUES = new double[0];
  private static final double[] ONE = {1.0};

  private final String[] columns;
  private final int[] inputs;
  private final int[] outputs;
  private final int[] categories;
  private final int[] sizes;
  private final boolean keepInvalid;

  OneHotStage(OneHotEncoderModel model, StructType input) {
    super(model, input);
    columns = model.getInOutCols()._1();
    String[] out = model.getInOutCols()._2();
    inputs = new int[columns.length];
    outputs = new int[columns.length];
    categories = model.categorySizes().clone();
    sizes = new int[columns.length];
    keepInvalid = model.getHandleInvalid().equals("keep");
    boolean dropLast = model.getDropLast();
    for (int i = 0; i < columns.length; i++) {
      if (!isPlainNumber(inputType(columns[i]))) {
        throw new UnsupportedStage("column " + columns[i] + " is not a number");
      }
      inputs[i] = in(columns[i]);
      outputs[i] = out(out[i]);
      sizes[i] =
          dropLast && !keepInvalid
              ? categories[i] - 1
              : !dropLast && keepInvalid ? categories[i] + 1 : categories[i];
      vectorSize(out[i], sizes[i]);
    }
  }

  @Override
  public Object[] apply(Object[] row) {
    Object[] result = extend(row);
    for (int i = 0; i < inputs.length; i++) {
      Double label = asDouble(row[inputs[i]]);
      result[outputs[i]] = label == null ? null : encode(i, label);
    }
    return result;
  }

  private Vector encode(int column, double label) {
    double index = label;
    if (!(label >= 0 && label < categories[column])) {
      if (!keepInvalid) {
        throw new RowFailure(
            "OneHotEncoder met the "
                + (label < 0 ? "negative" : "unseen")
                + " value "
                + label
                + " in column "
                + columns[column]
                + " (handleInvalid = error)");
      }
      index = categories[column];
    }
    return index < sizes[column]
        ? Vectors.sparse(sizes[column], new int[] {(int) index}, ONE.clone())
        : Vectors.sparse(sizes[column], NO_INDICES, NO_VALUES);
  }
}
