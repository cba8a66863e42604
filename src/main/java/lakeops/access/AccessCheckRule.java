package lakeops.access;

import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.ResetCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Option;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The check Spark runs on every analyzed plan of a session, against the policy bound to the session
 * when it was built: settings first ({@code SET}, {@code RESET} and options of protected keys),
 * then writes, then reads. A refusal is audited and thrown before anything executes; one that could
 * not be audited says so.
 */
final class AccessCheckRule extends AbstractFunction1<LogicalPlan, BoxedUnit> {

  private static final String SET = "SET";
  private static final String RESET = "RESET";
  private static final String OPTION = "OPTION";
  private static final String ALL_SETTINGS = "all session settings";

  private final SparkSession spark;
  private final Supplier<AccessPolicy> policy;

  AccessCheckRule(SparkSession spark, Supplier<AccessPolicy> policy) {
    this.spark = spark;
    this.policy = policy;
  }

  @Override
  public BoxedUnit apply(LogicalPlan plan) {
    AccessPolicy current = policy.get();
    try {
      check(plan, current);
    } catch (AccessDeniedException denied) {
      Optional<String> failure = AccessAudit.record(spark, denied, queryText(plan));
      throw failure.map(denied::notAudited).orElse(denied);
    }
    return BoxedUnit.UNIT;
  }

  /** Throws unless {@code policy} allows every setting, write and read of {@code plan}. */
  static void check(LogicalPlan plan, AccessPolicy policy) {
    checkSettings(plan, policy);
    PlanAccesses accesses = PlanAccesses.of(plan, policy);
    accesses
        .options()
        .forEach(
            key -> {
              throw AccessDeniedException.setting(policy.environment(), OPTION, key);
            });
    accesses.writes().forEach(write -> policy.checkWrite(write.operation(), write.target()));
    accesses.reads().forEach(policy::checkRead);
  }

  private static void checkSettings(LogicalPlan plan, AccessPolicy policy) {
    if (plan instanceof SetCommand set && set.kv().isDefined()) {
      Tuple2<String, Option<String>> pair = set.kv().get();
      if (pair._2().isDefined() && AccessSettings.isProtected(pair._1())) {
        throw AccessDeniedException.setting(policy.environment(), SET, pair._1().strip());
      }
    } else if (plan instanceof ResetCommand reset) {
      if (reset.config().isEmpty()) {
        throw AccessDeniedException.setting(policy.environment(), RESET, ALL_SETTINGS);
      }
      if (AccessSettings.isProtected(reset.config().get())) {
        throw AccessDeniedException.setting(
            policy.environment(), RESET, reset.config().get().strip());
      }
    }
  }

  private static String queryText(LogicalPlan plan) {
    if (plan.origin().sqlText().isDefined()) {
      return plan.origin().sqlText().get();
    }
    String text = plan.simpleString(20);
    return text.length() > 1000 ? text.substring(0, 1000) : text;
  }
}
