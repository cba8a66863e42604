package lakeops.jobs;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.jobs.JobSpec.TaskSpec;

/**
 * Dynamic value references in task parameters, as in Databricks: {@code {{job.parameters.<name>}}},
 * {@code {{tasks.<task_key>.values.<name>}}} (a task value set by an upstream task), {@code
 * {{job.run_id}}}, {@code {{job.name}}}, {@code {{task.key}}}, {@code {{task.attempt}}}, and
 * LakeOps' {@code {{job.environment}}}.
 */
final class References {

  private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([^{}\\s]+)\\s*}}");
  private static final Pattern TASK_VALUE = Pattern.compile("tasks\\.([^.]+)\\.values\\.(.+)");
  private static final Set<String> BUILT_IN =
      Set.of("job.run_id", "job.name", "job.environment", "task.key", "task.attempt");

  private References() {}

  /** Checks every reference of {@code spec}: declared parameters, upstream tasks, known names. */
  static void check(JobSpec spec) {
    JobGraph graph = JobGraph.of(spec);
    for (TaskSpec task : spec.tasks()) {
      for (String parameter : task.parameters()) {
        Matcher matcher = REFERENCE.matcher(parameter);
        while (matcher.find()) {
          checkOne(spec, graph, task, matcher.group(1));
        }
      }
    }
  }

  private static void checkOne(JobSpec spec, JobGraph graph, TaskSpec task, String name) {
    if (BUILT_IN.contains(name)) {
      return;
    }
    if (name.startsWith("job.parameters.")) {
      String parameter = name.substring("job.parameters.".length());
      if (!spec.parameters().containsKey(parameter)) {
        throw JobErrors.undeclaredParameter(spec, task.taskKey(), name, parameter);
      }
      return;
    }
    Matcher value = TASK_VALUE.matcher(name);
    if (value.matches()) {
      if (!graph.upstream(task.taskKey()).contains(value.group(1))) {
        throw JobErrors.notUpstream(spec, task.taskKey(), name, value.group(1));
      }
      return;
    }
    throw JobErrors.unknownReference(spec, task.taskKey(), name);
  }

  /**
   * {@code text} with every reference replaced by its value in {@code values} (keyed by reference
   * name, such as {@code job.parameters.table}).
   *
   * @throws lakeops.exceptions.ValidationException naming a reference that has no value (a task
   *     value never set)
   */
  static String resolve(String text, Map<String, String> values) {
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw JobErrors.unsetReference(matcher.group(1));
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
