package lakeops.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lakeops.exceptions.InvalidConfigException;
import lakeops.jobs.JobSpec.TaskSpec;

/**
 * The dependency graph of a job's tasks: checked for unknown and duplicate keys and for cycles,
 * with a topological order and each task's upstream tasks.
 */
final class JobGraph {

  private final Map<String, TaskSpec> tasks;
  private final List<String> order;

  private JobGraph(Map<String, TaskSpec> tasks, List<String> order) {
    this.tasks = tasks;
    this.order = List.copyOf(order);
  }

  /**
   * The graph of {@code spec}'s tasks; an {@link InvalidConfigException} names a bad key or a
   * cycle.
   */
  static JobGraph of(JobSpec spec) {
    Map<String, TaskSpec> tasks = new LinkedHashMap<>();
    for (TaskSpec task : spec.tasks()) {
      if (tasks.put(task.taskKey(), task) != null) {
        throw JobErrors.duplicateTaskKey(spec, task.taskKey());
      }
    }
    for (TaskSpec task : spec.tasks()) {
      for (String dependency : task.dependsOn()) {
        if (!tasks.containsKey(dependency)) {
          throw JobErrors.unknownDependency(spec, task.taskKey(), dependency, tasks.keySet());
        }
        if (dependency.equals(task.taskKey())) {
          throw JobErrors.dependsOnItself(spec, dependency);
        }
      }
    }
    List<String> order = new ArrayList<>();
    Map<String, Integer> marks = new LinkedHashMap<>();
    for (String key : tasks.keySet()) {
      visit(spec, key, tasks, marks, order, new ArrayList<>());
    }
    return new JobGraph(tasks, order);
  }

  /** Depth-first visit: 1 = on the current path, 2 = done. A path back to itself is a cycle. */
  private static void visit(
      JobSpec spec,
      String key,
      Map<String, TaskSpec> tasks,
      Map<String, Integer> marks,
      List<String> order,
      List<String> path) {
    Integer mark = marks.get(key);
    if (mark != null && mark == 2) {
      return;
    }
    path.add(key);
    if (mark != null) {
      List<String> cycle = path.subList(path.indexOf(key), path.size());
      throw JobErrors.cycle(spec, cycle);
    }
    marks.put(key, 1);
    for (String dependency : tasks.get(key).dependsOn()) {
      visit(spec, dependency, tasks, marks, order, path);
    }
    marks.put(key, 2);
    path.remove(path.size() - 1);
    order.add(key);
  }

  /** Task keys such that every task comes after the tasks it depends on. */
  List<String> order() {
    return order;
  }

  /** Every task {@code key} depends on, directly or not. */
  Set<String> upstream(String key) {
    Set<String> upstream = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(tasks.get(key).dependsOn());
    while (!todo.isEmpty()) {
      String next = todo.remove(todo.size() - 1);
      if (upstream.add(next)) {
        todo.addAll(tasks.get(next).dependsOn());
      }
    }
    return upstream;
  }
}
