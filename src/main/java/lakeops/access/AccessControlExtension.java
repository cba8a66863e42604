package lakeops.access;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The Spark session extension that enforces environment access on plans ({@code
 * spark.sql.extensions}, registered by {@code SessionFactory}). Its check rule runs after analysis,
 * once Delta has turned DELETE, UPDATE and MERGE into its own commands, and before any command runs:
 * SQL, the DataFrame writers, {@code DeltaTable} operations and streaming queries all pass through it.
 */
public final class AccessControlExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(new RuleBuilder());
    return BoxedUnit.UNIT;
  }

  /** Builds the check rule of one session. */
  private static final class RuleBuilder
      extends AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>> {
    @Override
    public Function1<LogicalPlan, BoxedUnit> apply(SparkSession spark) {
      return new AccessCheckRule(spark);
    }
  }
}
