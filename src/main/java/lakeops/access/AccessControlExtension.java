package lakeops.access;

import java.util.function.Supplier;
import lakeops.access.SessionPolicies.Binding;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.internal.SQLConf;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * The Spark session extension that enforces environment access on plans. Its check rule runs after
 * analysis, once Delta has turned DELETE, UPDATE and MERGE into its own commands, and before any
 * command runs: SQL, the DataFrame writers, {@code DeltaTable} operations and streaming queries all
 * pass through it.
 *
 * <p>{@code SessionFactory} builds each environment's session with an instance bound to that
 * environment's policy ({@link AccessControl#sessionExtension}). Listed by class name in {@code
 * spark.sql.extensions} it also covers any other session of the JVM, which then is bound to no
 * environment and fails closed ({@link AccessPolicy#unbound}).
 */
public final class AccessControlExtension
    extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  private final Binding binding;

  /** The extension of sessions bound to no environment (as Spark instantiates it from conf). */
  public AccessControlExtension() {
    this(null);
  }

  AccessControlExtension(Binding binding) {
    this.binding = binding;
  }

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    if (binding == null && SessionPolicies.binding(extensions).isPresent()) {
      return BoxedUnit.UNIT; // bound by SessionFactory, which installed the rules already
    }
    if (binding != null) {
      SessionPolicies.bind(extensions, binding);
    }
    Supplier<AccessPolicy> policy = binding == null ? SessionPolicies::unbound : binding::policy;
    extensions.injectCheckRule(new RuleBuilder(policy));
    extensions.injectParser(new SessionInitializer(binding));
    return BoxedUnit.UNIT;
  }

  /** Builds the check rule of one session. */
  private static final class RuleBuilder
      extends AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>> {

    private final Supplier<AccessPolicy> policy;

    RuleBuilder(Supplier<AccessPolicy> policy) {
      this.policy = policy;
    }

    @Override
    public Function1<LogicalPlan, BoxedUnit> apply(SparkSession spark) {
      return new AccessCheckRule(spark, policy);
    }
  }

  /**
   * Runs when a session's state is built (the parser is its first part), before any plan: gives the
   * session its environment's settings, so sessions derived with {@code newSession()} get them
   * rather than those of the environment the SparkContext was started for.
   */
  private static final class SessionInitializer
      extends AbstractFunction2<SparkSession, ParserInterface, ParserInterface> {

    private final Binding binding;

    SessionInitializer(Binding binding) {
      this.binding = binding;
    }

    @Override
    public ParserInterface apply(SparkSession spark, ParserInterface parser) {
      SQLConf conf = ((org.apache.spark.sql.classic.SparkSession) spark).sqlConf();
      if (binding != null) {
        SessionPolicies.apply(binding, conf);
      } else {
        AccessPolicy unbound = SessionPolicies.unbound();
        conf.setConfString(
            AccessProperties.READ_ONLY_ROOTS,
            String.join(
                ",", unbound.roots().values().stream().map(StorageRoot::toString).toList()));
        conf.setConfString(AccessProperties.ENVIRONMENT, unbound.environment());
      }
      String readOnly = SessionPolicies.mostRestrictiveReadOnlyRoots();
      if (!readOnly.isEmpty()) {
        spark.sparkContext().hadoopConfiguration().set(AccessProperties.READ_ONLY_ROOTS, readOnly);
      }
      return parser;
    }
  }
}
