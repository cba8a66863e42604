package lakeops.access;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The check Spark runs on every analyzed plan of a session: writes first, then reads, against the
 * policy in the session's conf. A refusal is audited and thrown before anything executes.
 */
final class AccessCheckRule extends AbstractFunction1<LogicalPlan, BoxedUnit> {

  private final SparkSession spark;

  AccessCheckRule(SparkSession spark) {
    this.spark = spark;
  }

  @Override
  public BoxedUnit apply(LogicalPlan plan) {
    Optional<AccessPolicy> policy = AccessPolicy.fromConf(sessionConf(spark));
    if (policy.isEmpty()) {
      return BoxedUnit.UNIT;
    }
    try {
      check(plan, policy.get());
    } catch (AccessDeniedException denied) {
      AccessAudit.record(spark, denied, queryText(plan));
      throw denied;
    }
    return BoxedUnit.UNIT;
  }

  /** Throws unless {@code policy} allows every write and read of {@code plan}. */
  static void check(LogicalPlan plan, AccessPolicy policy) {
    PlanAccesses accesses = PlanAccesses.of(plan, policy);
    accesses.writes().forEach(write -> policy.checkWrite(write.operation(), write.target()));
    accesses.reads().forEach(policy::checkRead);
  }

  /** The LakeOps entries of a session's conf. */
  static Map<String, String> sessionConf(SparkSession spark) {
    Map<String, String> conf = new HashMap<>();
    scala.jdk.javaapi.CollectionConverters.asJava(spark.sessionState().conf().getAllConfs())
        .forEach((key, value) -> {
          if (key.startsWith("spark.lakeops.")) {
            conf.put(key, value);
          }
        });
    return conf;
  }

  private static String queryText(LogicalPlan plan) {
    if (plan.origin().sqlText().isDefined()) {
      return plan.origin().sqlText().get();
    }
    String text = plan.simpleString(20);
    return text.length() > 1000 ? text.substring(0, 1000) : text;
  }
}
