package lakeops.jobs;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.exceptions.InvalidConfigException;
import lakeops.jobs.JobSpec.TaskSpec;

/**
 * Dynamic value references in task parameters, as in Databricks: {@code {{job.parameters.<name>}}},
 * {@code {{tasks.<task_key>.values.<name>}}} (a task value set by an upstream task),
 * {@code {{job.run_id}}}, {@code {{job.name}}}, {@code {{task.key}}}, {@code {{task.attempt}}}, and
 * LakeOps' {@code {{job.environment}}}.
 */
public final class References {

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
        throw new InvalidConfigException(String.format(
            "task '%s' refers to {{%s}}, but the job declares no parameter '%s' (declared: %s)",
            task.taskKey(), name, parameter, String.join(", ", spec.parameters().keySet())));
      }
      return;
    }
    Matcher value = TASK_VALUE.matcher(name);
    if (value.matches()) {
      if (!graph.upstream(task.taskKey()).contains(value.group(1))) {
        throw new InvalidConfigException(String.format(
            "task '%s' refers to {{%s}}, but '%s' is not a task it depends on", task.taskKey(), name,
            value.group(1)));
      }
      return;
    }
    throw new InvalidConfigException(String.format(
        "task '%s' refers to {{%s}}, which is unknown (expected job.parameters.<name>, "
            + "tasks.<task_key>.values.<name>, job.run_id, job.name, job.environment, task.key or task.attempt)",
        task.taskKey(), name));
  }

  /**
   * {@code text} with every reference replaced by its value in {@code values} (keyed by reference name,
   * such as {@code job.parameters.table}).
   *
   * @throws IllegalArgumentException naming a reference that has no value (a task value never set)
   */
  public static String resolve(String text, Map<String, String> values) {
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalArgumentException("Expected a value for {{" + matcher.group(1)
            + "}}, but none was set (an upstream task must set it with TaskValues.set)");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
