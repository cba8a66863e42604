package lakeops.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import lakeops.config.YamlConfig;
import lakeops.exceptions.InvalidConfigException;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;

/**
 * Every error of the jobs area, in the two fixed forms {@code Invalid <thing>: <problem>} and
 * {@code Cannot <verb> <thing>: <reason>}. Problems of a job spec name its file (and key, when a
 * key is at fault), as every config file's errors do.
 */
final class JobErrors {

  private JobErrors() {}

  // Job specs

  /** {@code job} breaks a rule spanning its tasks: {@code Invalid job file <file>: <problem>}. */
  static InvalidConfigException invalidJob(JobSpec job, String problem, Object... args) {
    String text = String.format(problem, args);
    return job.file() == null
        ? new InvalidConfigException("Invalid job " + job.name() + ": " + text)
        : YamlConfig.of(job.file(), JobSpecLoader.KIND).invalid(text);
  }

  static InvalidConfigException duplicateTaskKey(JobSpec job, String key) {
    return invalidJob(job, "task_key '%s' is used by two tasks", key);
  }

  static InvalidConfigException unknownDependency(
      JobSpec job, String task, String dependency, Iterable<String> known) {
    return invalidJob(
        job,
        "task '%s' depends on '%s', which is no task of this job (known: %s)",
        task,
        dependency,
        String.join(", ", known));
  }

  static InvalidConfigException dependsOnItself(JobSpec job, String task) {
    return invalidJob(job, "task '%s' depends on itself", task);
  }

  static InvalidConfigException cycle(JobSpec job, Iterable<String> path) {
    return invalidJob(job, "tasks form a cycle: %s", String.join(" -> ", path));
  }

  static InvalidConfigException undeclaredParameter(
      JobSpec job, String task, String reference, String parameter) {
    return invalidJob(
        job,
        "task '%s' refers to {{%s}}, but the job declares no parameter '%s' " + "(declared: %s)",
        task,
        reference,
        parameter,
        String.join(", ", job.parameters().keySet()));
  }

  static InvalidConfigException notUpstream(
      JobSpec job, String task, String reference, String other) {
    return invalidJob(
        job,
        "task '%s' refers to {{%s}}, but '%s' is not a task it depends on",
        task,
        reference,
        other);
  }

  static InvalidConfigException unknownReference(JobSpec job, String task, String reference) {
    return invalidJob(
        job,
        "task '%s' refers to {{%s}}, which is unknown (expected "
            + "job.parameters.<name>, tasks.<task_key>.values.<name>, job.run_id, job.name, "
            + "job.environment, task.key or task.attempt)",
        task,
        reference);
  }

  static InvalidConfigException noCronExpression() {
    return new InvalidConfigException(
        "Invalid schedule: no Quartz cron expression (such as " + "'0 0 3 * * ?')");
  }

  static InvalidConfigException badCronExpression(String expression, String why) {
    return new InvalidConfigException(
        String.format(
            "Invalid schedule '%s': not a Quartz cron expression "
                + "(seconds minutes hours day-of-month month day-of-week [year], such as '0 0 3 * * ?'): %s",
            expression, why));
  }

  static InvalidConfigException noJobFile(String name, Path jobsDir) {
    return new InvalidConfigException(
        String.format(
            "Cannot find job '%s': expected a path to a .yml file or the name of a job in %s",
            name, jobsDir));
  }

  static InvalidConfigException cannotListJobs(Path dir, IOException cause) {
    return new InvalidConfigException(
        "Cannot list jobs in " + dir + ": " + cause.getMessage(), cause);
  }

  static IllegalArgumentException noTask(String job, String key) {
    return new IllegalArgumentException(
        String.format(
            "Cannot find task '%s' of job '%s': it has no " + "task of that key", key, job));
  }

  // Running jobs

  static ValidationException badMaxParallelTasks(int tasks) {
    return new ValidationException(
        String.format("Invalid max parallel tasks %d: expected at least 1", tasks));
  }

  static ValidationException undeclaredOverride(JobSpec job, String name) {
    return new ValidationException(
        String.format(
            "Invalid parameter '%s' for job '%s': expected one of " + "the job's parameters (%s)",
            name, job.name(), String.join(", ", job.parameters().keySet())));
  }

  static ValidationException badParameterPair(String pair) {
    return new ValidationException(
        String.format("Invalid --param '%s': expected name=value", pair));
  }

  /** A task's parameter refers to a task value no upstream task set. */
  static ValidationException unsetReference(String reference) {
    return new ValidationException(
        String.format(
            "Cannot resolve {{%s}}: no value was set (an "
                + "upstream task must set it with TaskValues.set)",
            reference));
  }

  static IllegalArgumentException noTaskRecord(String task, String runId) {
    return new IllegalArgumentException(
        String.format("Cannot find task '%s' in run %s: it has no " + "record", task, runId));
  }

  static LakeOpsException cannotLaunch(String task, IOException cause) {
    return new LakeOpsException(
        String.format("Cannot start spark-submit for task '%s': %s", task, cause.getMessage()),
        cause);
  }

  static InvalidConfigException notBuilt(Path needed, Path install) {
    return new InvalidConfigException(
        String.format(
            "Cannot launch job tasks: expected %s (build it with: "
                + "cd %s && mvn -B -q -DskipTests package)",
            needed, install));
  }

  static InvalidConfigException cannotReadRuntime(Path file, IOException cause) {
    return new InvalidConfigException("Cannot read " + file + ": " + cause.getMessage(), cause);
  }

  /** The ephemeral cluster under {@code dir} did not start, for {@code reason}. */
  static LakeOpsException clusterFailed(Path dir, String reason, Throwable cause) {
    return new LakeOpsException(
        String.format(
            "Cannot start the standalone job cluster under %s: %s " + "(logs: %s)",
            dir, reason, dir),
        cause);
  }

  static LakeOpsException noFreePort(String host, IOException cause) {
    return new LakeOpsException(
        String.format("Cannot find a free port on %s: %s", host, cause.getMessage()), cause);
  }

  // State: run history, scheduler state, task values, triggers

  static LakeOpsException cannotRecordRuns(String table, RuntimeException cause) {
    return new LakeOpsException(
        String.format("Cannot record job runs in %s: %s", table, cause.getMessage()), cause);
  }

  static LakeOpsException schedulerRunning(Path state) {
    return LakeOpsException.of(
        "Cannot open scheduler state %s: another scheduler already runs with it "
            + "(one scheduler per environment)",
        state);
  }

  static LakeOpsException cannotSchedulerState(String verb, Path state, IOException cause) {
    return new LakeOpsException(
        String.format("Cannot %s scheduler state %s: %s", verb, state, cause.getMessage()), cause);
  }

  static UncheckedIOException cannotTaskValues(String verb, Path file, IOException cause) {
    return new UncheckedIOException(
        String.format(
            "Cannot %s task values %s %s: %s",
            verb, verb.equals("read") ? "from" : "to", file, cause.getMessage()),
        cause);
  }

  static LakeOpsException cannotReadTrigger(String source, Exception cause) {
    return new LakeOpsException(
        String.format("Cannot read trigger source %s: %s", source, cause.getMessage()), cause);
  }
}
