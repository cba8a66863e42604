package lakeops.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link StringIndexerModel} on string columns: each label becomes its index; a null or unseen
 * label becomes the extra index {@code labels.length} ({@code keep}), drops the row ({@code skip})
 * or fails it ({@code error}), as Spark's transform does.
 */
final class IndexerStage extends AppendingStage {

  private final String[] columns;
  private final int[] inputs;
  private final int[] outputs;
  private final List<Map<String, Double>> indexes = new ArrayList<>();
  private final double[] invalidIndex;
  private final String handleInvalid;

  IndexerStage(StringIndexerModel model, StructType input) {
    super(model, input);
    columns = model.getInOutCols()._1();
    String[] out = model.getInOutCols()._2();
    inputs = new int[columns.length];
    outputs = new int[columns.length];
    invalidIndex = new double[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (!inputType(columns[i]).equals(DataTypes.StringType)) {
        throw new UnsupportedStage("column " + columns[i] + " is not a string");
      }
      inputs[i] = in(columns[i]);
      outputs[i] = out(out[i]);
      String[] labels = model.labelsArray()[i];
      Map<String, Double> index = new HashMap<>(labels.length * 2);
      for (int label = 0; label < labels.length; label++) {
        index.put(labels[label], (double) label);
      }
      indexes.add(index);
      invalidIndex[i] = labels.length;
    }
    handleInvalid = model.getHandleInvalid();
  }

  @Override
  public Object[] apply(Object[] row) {
    Object[] result = extend(row);
    for (int i = 0; i < inputs.length; i++) {
      String label = (String) row[inputs[i]];
      Double index = label == null ? null : indexes.get(i).get(label);
      if (index == null) {
        switch (handleInvalid) {
          case "keep" -> index = invalidIndex[i];
          case "skip" -> {
            return null;
          }
          default ->
              throw new RowFailure(
                  label == null
                      ? "StringIndexer met a null in column "
                          + columns[i]
                          + " (handleInvalid = error)"
                      : "StringIndexer met the unseen label '"
                          + label
                          + "' in column "
                          + columns[i]
                          + " (handleInvalid = error)");
        }
      }
      result[outputs[i]] = index;
    }
    return result;
  }
}
