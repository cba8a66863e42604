package lakeops.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.ValidationException;
import lakeops.jobs.ConsoleProgress;
import lakeops.jobs.DatabricksExport;
import lakeops.jobs.DeltaJobRunStore;
import lakeops.jobs.JobRunResult;
import lakeops.jobs.JobRunner;
import lakeops.jobs.JobSpec;
import lakeops.jobs.JobSpecs;
import lakeops.jobs.Jobs;
import lakeops.jobs.ResultState;
import lakeops.jobs.RunListener;
import lakeops.jobs.RunRequest;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakeops job run|validate|list|export}: multi-task jobs of {@code jobs/*.yml}. */
@Command(
    name = "job",
    description = "Run, validate, list and export multi-task jobs (jobs/*.yml).",
    subcommands = {
      JobCommand.Run.class,
      JobCommand.Validate.class,
      JobCommand.ListJobs.class,
      JobCommand.Export.class
    })
final class JobCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code lakeops job run jobs/training.yml --env staging [--param k=v]}. */
  @Command(
      name = "run",
      description = "Run a job's tasks, each as a spark-submit on the job's cluster.")
  static final class Run implements Callable<Integer> {

    @Mixin EnvironmentOption env;

    @Parameters(
        paramLabel = "JOB",
        description = "Job file (jobs/training.yml) or job name (training).")
    String job;

    @Option(
        names = "--param",
        paramLabel = "NAME=VALUE",
        description = "Job parameter (repeatable).")
    List<String> parameters = new ArrayList<>();

    @Option(
        names = "--master",
        paramLabel = "URL",
        description =
            "Submit every task to this existing Spark master instead of the job's clusters.")
    String master;

    @Option(
        names = "--max-parallel-tasks",
        defaultValue = "4",
        description = "Tasks running at the same time, at most. Default: ${DEFAULT-VALUE}.")
    int maxParallelTasks;

    @Override
    public Integer call() {
      LakeOpsHome home = LakeOpsHome.current();
      Environments environments = Environments.load(home);
      Environment environment = environments.get(env.name);
      JobSpec spec = JobSpecs.load(Jobs.find(home, job));
      var request =
          RunRequest.manual(
              env.name, JobRunner.resolveParameters(spec, JobRunner.parseParameters(parameters)));
      JobRunner runner =
          Jobs.runner(home, environment, master).withMaxParallelTasks(maxParallelTasks);
      SparkSession spark = Jobs.runnerSession(environments, env.name);
      JobRunResult result;
      try (RunListener listener =
          RunListener.all(new ConsoleProgress(System.out), new DeltaJobRunStore(spark, env.name))) {
        result = runner.run(spec, request, listener);
      }
      if (result.result() != ResultState.SUCCESS) {
        throw new LakeOpsException(
            String.format(
                "Job %s run %s ended %s%s (task logs: %s)",
                spec.name(),
                result.runId(),
                result.result(),
                result.run().stateMessage().isEmpty() ? "" : ": " + result.run().stateMessage(),
                Jobs.stateDir(home).resolve("runs").resolve(result.runId())));
      }
      System.out.printf(
          "Job %s run %s: SUCCESS, recorded in %s%n",
          spec.name(), result.runId(), DeltaJobRunStore.tableName(env.name));
      return 0;
    }
  }

  /** {@code lakeops job validate [JOB…]}: checks job files (all of jobs/ by default). */
  @Command(
      name = "validate",
      description = "Check job files: keys, dependencies, cycles, cron, references.")
  static final class Validate implements Callable<Integer> {

    @Parameters(
        arity = "0..*",
        paramLabel = "JOB",
        description = "Job files or names (default: all).")
    List<String> jobs = new ArrayList<>();

    @Override
    public Integer call() {
      LakeOpsHome home = LakeOpsHome.current();
      List<JobSpec> specs =
          jobs.isEmpty()
              ? JobSpecs.loadAll(home)
              : jobs.stream().map(j -> JobSpecs.load(Jobs.find(home, j))).toList();
      ValidationException.check(
          !specs.isEmpty(), "Invalid jobs: no job files in %s", home.root().resolve("jobs"));
      specs.forEach(s -> System.out.printf("ok %s (%d tasks)%n", s.name(), s.tasks().size()));
      return 0;
    }
  }

  /** {@code lakeops job list}: the jobs of the project with their schedules and triggers. */
  @Command(name = "list", description = "List the project's jobs, schedules and triggers.")
  static final class ListJobs implements Callable<Integer> {

    @Override
    public Integer call() {
      for (JobSpec spec : JobSpecs.loadAll(LakeOpsHome.current())) {
        String schedule =
            spec.schedule()
                .map(
                    s ->
                        "cron '"
                            + s.quartzCronExpression()
                            + "' "
                            + s.timezoneId()
                            + (s.paused() ? " PAUSED" : ""))
                .orElse("");
        String trigger =
            spec.trigger()
                .map(
                    t ->
                        t.alertNames().isEmpty()
                            ? "on update of " + String.join(", ", t.tableNames())
                            : "on alert " + String.join(", ", t.alertNames()))
                .orElse("");
        System.out.printf(
            "%-24s %2d tasks  %s%s%n",
            spec.name(),
            spec.tasks().size(),
            schedule,
            (schedule.isEmpty() || trigger.isEmpty() ? "" : "; ") + trigger);
      }
      return 0;
    }
  }

  /** {@code lakeops job export jobs/training.yml --env prod --target databricks}. */
  @Command(name = "export", description = "Print a job as Databricks Jobs API 2.1 JSON.")
  static final class Export implements Callable<Integer> {

    @Mixin EnvironmentOption env;

    @Parameters(paramLabel = "JOB", description = "Job file or name.")
    String job;

    @Option(
        names = "--target",
        defaultValue = "databricks",
        description = "Export format: databricks.")
    String target;

    @Option(
        names = "--jar",
        paramLabel = "URI",
        description =
            "Job jar on Databricks. Default: " + lakeops.jobs.JobProperties.DATABRICKS_JAR_DEFAULT)
    String jar = lakeops.jobs.JobProperties.DATABRICKS_JAR_DEFAULT;

    @Option(
        names = "--spark-version",
        description =
            "Databricks runtime. Default: "
                + lakeops.jobs.JobProperties.DATABRICKS_SPARK_VERSION_DEFAULT)
    String sparkVersion = lakeops.jobs.JobProperties.DATABRICKS_SPARK_VERSION_DEFAULT;

    @Option(
        names = "--node-type",
        description =
            "Node type id. Default: " + lakeops.jobs.JobProperties.DATABRICKS_NODE_TYPE_DEFAULT)
    String nodeType = lakeops.jobs.JobProperties.DATABRICKS_NODE_TYPE_DEFAULT;

    @Override
    public Integer call() {
      ValidationException.check(
          target.equals("databricks"), "Invalid --target '%s': expected databricks", target);
      LakeOpsHome home = LakeOpsHome.current();
      Environment environment = Environments.load(home).get(env.name);
      Path file = Jobs.find(home, job);
      System.out.println(
          DatabricksExport.toJson(
              JobSpecs.load(file),
              environment,
              new DatabricksExport.Target(jar, sparkVersion, nodeType)));
      return 0;
    }
  }
}
