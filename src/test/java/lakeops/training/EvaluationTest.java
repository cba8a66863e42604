package lakeops.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lakeops.testing.SharedSpark;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The metrics of a scored split equal MLlib's own evaluators, one evaluator per metric. */
class EvaluationTest extends SharedSpark {

  @Test
  void everyMetricEqualsItsMllibEvaluator() {
    Dataset<Row> scored = scored(5000, 7);
    List<String> metrics = List.of("areaUnderROC", "areaUnderPR", "accuracy", "f1");

    Map<String, Double> values = Evaluation.evaluate(metrics, scored, "test");

    assertThat(values).containsOnlyKeys(metrics.stream().map(m -> "test_" + m).toList());
    for (String metric : List.of("areaUnderROC", "areaUnderPR")) {
      double mllib = new BinaryClassificationEvaluator().setMetricName(metric).evaluate(scored);
      // Equal up to the order of a floating-point sum over partitions.
      assertThat(values.get("test_" + metric)).as(metric).isCloseTo(mllib, within(1e-12));
    }
    for (String metric : List.of("accuracy", "f1")) {
      double mllib = new MulticlassClassificationEvaluator().setMetricName(metric).evaluate(scored);
      assertThat(values.get("test_" + metric)).as(metric).isEqualTo(mllib);
    }
    assertThat(values.get("test_areaUnderROC")).isBetween(0.6, 0.99);
  }

  /** Scores that rank the labels better than chance, with ties, as a classifier's output. */
  private static Dataset<Row> scored(int rows, long seed) {
    Random random = new Random(seed);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double label = random.nextDouble() < 0.3 ? 1.0 : 0.0;
      double margin = Math.round((label - 0.4 + random.nextGaussian()) * 50) / 50.0;
      double p = 1 / (1 + Math.exp(-2 * margin));
      data.add(
          RowFactory.create(
              label,
              Vectors.dense(-margin, margin),
              Vectors.dense(1 - p, p),
              margin > 0 ? 1.0 : 0.0));
    }
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("rawPrediction", new VectorUDT())
            .add("probability", new VectorUDT())
            .add("prediction", DataTypes.DoubleType);
    return spark().createDataFrame(data, schema).repartition(3);
  }
}
