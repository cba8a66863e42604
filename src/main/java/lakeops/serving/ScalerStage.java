package lakeops.serving;

import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.StandardScalerModel$;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * {@link StandardScalerModel}: Spark's own per-vector function ({@code StandardScalerModel
 * .getTransformFunc}) with the shift and scale its transform builds (a zero deviation scales by 0).
 */
final class ScalerStage extends AppendingStage {

  private final int input;
  private final int output;
  private final Function1<Vector, Vector> scale;

  ScalerStage(StandardScalerModel model, StructType schema) {
    super(model, schema);
    input = in(model.getInputCol());
    output = out(model.getOutputCol());
    double[] shift = model.getWithMean() ? model.mean().toArray().clone() : new double[0];
    double[] factors = new double[0];
    if (model.getWithStd()) {
      factors = model.std().toArray().clone(); // toArray may be the model's own array
      for (int i = 0; i < factors.length; i++) {
        factors[i] = factors[i] == 0 ? 0.0 : 1.0 / factors[i];
      }
    }
    scale =
        StandardScalerModel$.MODULE$.getTransformFunc(
            shift, factors, model.getWithMean(), model.getWithStd());
  }

  @Override
  public Object[] apply(Object[] row) {
    Object[] result = extend(row);
    try {
      result[output] = scale.apply((Vector) row[input]);
    } catch (RuntimeException e) {
      throw new RowFailure(
          "StandardScaler cannot scale column "
              + outputSchema().fieldNames()[input]
              + ": "
              + (row[input] == null ? "it is null" : e.getMessage()));
    }
    return result;
  }
}
