package lakeops.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Consecutive stages the JVM evaluator does not cover, run by Spark on a batch: the rows become a
 * local frame (with a row number, to find the rows a stage drops), go through each stage's
 * transform, and are collected back.
 */
final class SparkStages {

  private static final String ROW_NUMBER = "__lakeops_row";

  private final List<Transformer> stages;
  private final StructType input;
  private final StructType output;
  private final SparkSession spark;

  SparkStages(List<Transformer> stages, StructType input, SparkSession spark) {
    this.stages = List.copyOf(stages);
    this.input = input;
    this.spark = spark;
    StructType schema = input;
    for (Transformer stage : stages) {
      schema = stage.transformSchema(schema);
    }
    this.output = schema;
  }

  StructType outputSchema() {
    return output;
  }

  /**
   * The output rows of {@code rows} (null rows pass through as null; a dropped row becomes null).
   */
  List<Object[]> apply(List<Object[]> rows) {
    List<Row> numbered = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i) != null) {
        Object[] values = Arrays.copyOf(rows.get(i), input.size() + 1);
        values[input.size()] = i;
        numbered.add(RowFactory.create(values));
      }
    }
    Dataset<Row> frame =
        spark.createDataFrame(numbered, input.add(ROW_NUMBER, DataTypes.IntegerType, false));
    for (Transformer stage : stages) {
      frame = stage.transform(frame);
    }
    List<Row> collected;
    try {
      collected = frame.collectAsList();
    } catch (Exception e) { // SparkException: a stage's transform failed on these rows
      throw new RowFailure("stages " + names() + " failed: " + firstLine(e));
    }
    List<Object[]> result = new ArrayList<>(Collections.nCopies(rows.size(), null));
    boolean numberKept = Arrays.asList(frame.columns()).contains(ROW_NUMBER);
    if (!numberKept && collected.size() != numbered.size()) {
      throw new RowFailure("stages " + names() + " dropped rows of the batch");
    }
    int[] positions = positions(frame.schema());
    for (int i = 0; i < collected.size(); i++) {
      Row row = collected.get(i);
      int number =
          numberKept
              ? row.getInt(row.fieldIndex(ROW_NUMBER))
              : (Integer) numbered.get(i).get(input.size());
      Object[] values = new Object[positions.length];
      for (int c = 0; c < positions.length; c++) {
        values[c] = row.get(positions[c]);
      }
      result.set(number, values);
    }
    return result;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    return message.lines().findFirst().orElse(message);
  }

  String names() {
    return stages.stream().map(s -> s.getClass().getSimpleName()).toList().toString();
  }

  private int[] positions(StructType collected) {
    int[] positions = new int[output.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = collected.fieldIndex(output.fields()[i].name());
    }
    return positions;
  }
}
