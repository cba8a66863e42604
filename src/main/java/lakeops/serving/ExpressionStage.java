package lakeops.serving;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.MutableProjection;
import org.apache.spark.sql.catalyst.expressions.MutableProjection$;
import org.apache.spark.sql.catalyst.expressions.Nondeterministic;
import org.apache.spark.sql.catalyst.expressions.PlanExpression;
import org.apache.spark.sql.catalyst.expressions.RuntimeReplaceable;
import org.apache.spark.sql.catalyst.expressions.Unevaluable;
import org.apache.spark.sql.catalyst.optimizer.ReplaceExpressions$;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A stage whose transform is a projection, evaluated with Spark's own expressions in the JVM: the
 * stage transforms an empty frame once, and the analyzed plan's {@code SELECT} lists (over the
 * frame, through views and aliases) are compiled into Catalyst projections. Covers the {@code
 * SQLTransformer} of a plain {@code SELECT … FROM __THIS__} and any other stage that only adds or
 * computes columns; a plan with a filter, aggregate, join, window, subquery or a random expression
 * does not qualify.
 */
final class ExpressionStage implements LocalStage {

  private final StructType output;
  private final List<Seq<Expression>> levels;
  private final List<Seq<Attribute>> inputs;
  private final List<Function1<Object, Object>> toCatalyst = new ArrayList<>();
  private final List<Function1<Object, Object>> toJava = new ArrayList<>();
  private final DataType[] outputTypes;
  private final ThreadLocal<MutableProjection[]> projections;

  @SuppressWarnings("unchecked")
  ExpressionStage(Transformer stage, StructType input, SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), input);
    Dataset<Row> transformed = stage.transform(empty);
    LogicalPlan plan =
        ReplaceExpressions$.MODULE$.apply(
            ((org.apache.spark.sql.classic.Dataset<Row>) transformed).queryExecution().analyzed());
    levels = new ArrayList<>();
    inputs = new ArrayList<>();
    LogicalPlan node = plan;
    while (!(node instanceof LocalRelation)) {
      if (node instanceof Project project) {
        Seq<Expression> expressions = (Seq<Expression>) (Seq<?>) project.projectList();
        CollectionConverters.asJava(expressions).forEach(ExpressionStage::checkEvaluable);
        levels.add(0, expressions);
        inputs.add(0, project.child().output());
        node = project.child();
      } else if (node instanceof SubqueryAlias || node instanceof View) {
        node = node.children().head();
      } else {
        throw new UnsupportedStage("its plan has a " + node.nodeName() + ", not only projections");
      }
    }
    if (levels.isEmpty() || node.output().size() != input.size()) {
      throw new UnsupportedStage("its plan does not project the input rows");
    }
    output = transformed.schema();
    for (int i = 0; i < input.size(); i++) {
      toCatalyst.add(
          CatalystTypeConverters$.MODULE$.createToCatalystConverter(input.fields()[i].dataType()));
    }
    outputTypes = new DataType[output.size()];
    for (int i = 0; i < output.size(); i++) {
      outputTypes[i] = output.fields()[i].dataType();
      toJava.add(CatalystTypeConverters$.MODULE$.createToScalaConverter(outputTypes[i]));
    }
    projections =
        ThreadLocal.withInitial(
            () -> {
              // Expressions read settings (ANSI mode, time zone) from the thread's active session.
              SparkSession.setActiveSession(spark);
              MutableProjection[] compiled = new MutableProjection[levels.size()];
              for (int i = 0; i < compiled.length; i++) {
                compiled[i] = MutableProjection$.MODULE$.create(levels.get(i), inputs.get(i));
              }
              return compiled;
            });
    projections.get(); // compiles the projections now rather than on the first request
  }

  @Override
  public Object[] apply(Object[] row) {
    Object[] values = new Object[row.length];
    for (int i = 0; i < row.length; i++) {
      values[i] = row[i] == null ? null : toCatalyst.get(i).apply(row[i]);
    }
    InternalRow current = new GenericInternalRow(values);
    try {
      for (MutableProjection projection : projections.get()) {
        current = projection.apply(current);
      }
    } catch (RuntimeException e) {
      throw new RowFailure(
          "cannot compute " + String.join(", ", output.fieldNames()) + ": " + e.getMessage());
    }
    Object[] result = new Object[outputTypes.length];
    for (int i = 0; i < result.length; i++) {
      Object value = current.isNullAt(i) ? null : current.get(i, outputTypes[i]);
      result[i] = value == null ? null : toJava.get(i).apply(value);
    }
    return result;
  }

  @Override
  public StructType outputSchema() {
    return output;
  }

  @Override
  public String how() {
    return "in the JVM (Catalyst expressions)";
  }

  /** Refuses expressions that need a query around them or would not repeat Spark's values. */
  private static void checkEvaluable(Expression expression) {
    if (expression instanceof Attribute) {
      return; // bound to the input row when the projection is created
    }
    if (expression instanceof Nondeterministic
        || expression instanceof Unevaluable
        || expression instanceof RuntimeReplaceable
        || expression instanceof PlanExpression<?>) {
      throw new UnsupportedStage(
          "it computes " + expression.prettyName() + ", which needs Spark around it");
    }
    CollectionConverters.asJava(expression.children()).forEach(ExpressionStage::checkEvaluable);
  }
}
