package lakeops.access;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * The reads and writes of an analyzed plan, for one environment's policy. Every node is visited,
 * subqueries and the plans held by commands included. A node writes when it is a {@link Command}
 * (or a known write node such as {@code WriteToStream}) that is not known to be read-only: unknown
 * commands are writes to every table, schema and path they reference (fail closed), and a write
 * whose target cannot be found is a write to an unknown target, which no environment may do.
 */
final class PlanAccesses {

  /** An operation on a target. */
  record Access(String operation, Target target) {}

  private static final Target UNKNOWN = Target.named(null, "an unknown target");

  private final Set<Target> reads = new LinkedHashSet<>();
  private final Set<Access> writes = new LinkedHashSet<>();
  private final Set<String> options = new LinkedHashSet<>();

  private PlanAccesses() {}

  /** Classifies {@code plan} with the roots and catalogs of {@code policy}. */
  static PlanAccesses of(LogicalPlan plan, AccessPolicy policy) {
    PlanAccesses accesses = new PlanAccesses();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    TableReferences readScan =
        new TableReferences(
            policy, true, node -> accesses.visit(node, policy), accesses.options::add);
    readScan.scan(plan, seen).forEach(accesses.reads::add);
    return accesses;
  }

  List<Target> reads() {
    return new ArrayList<>(reads);
  }

  List<Access> writes() {
    return new ArrayList<>(writes);
  }

  /** Protected settings named in reader, writer or table options anywhere in the plan. */
  List<String> options() {
    return new ArrayList<>(options);
  }

  private void visit(LogicalPlan node, AccessPolicy policy) {
    String name = node.getClass().getSimpleName();
    if (!isWrite(node, name)) {
      return;
    }
    String operation = operation(node, name);
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Target> targets =
        new TableReferences(policy, false, n -> {}, key -> {}).scanFields(node, seen);
    if (targets.isEmpty()) {
      writes.add(new Access(operation, UNKNOWN));
    }
    targets.forEach(target -> writes.add(new Access(operation, target)));
  }

  private static boolean isWrite(LogicalPlan node, String name) {
    if (name.equals("CreateViewCommand")) {
      return isPersistedView(node);
    }
    if (Operation.isReadOnlyCommand(name)) {
      return false;
    }
    return node instanceof Command
        || Operation.isKnownWrite(name)
        || name.startsWith("WriteTo")
        || name.startsWith("InsertInto");
  }

  private static String operation(LogicalPlan node, String name) {
    if (node instanceof org.apache.spark.sql.catalyst.plans.logical.AlterTableCommand) {
      return Operation.ALTER_TABLE;
    }
    return Operation.of(name);
  }

  private static boolean isPersistedView(LogicalPlan node) {
    for (int i = 0; i < node.productArity(); i++) {
      if (node.productElementName(i).equals("viewType")) {
        return String.valueOf(node.productElement(i)).contains("PersistedView");
      }
    }
    return true;
  }
}
