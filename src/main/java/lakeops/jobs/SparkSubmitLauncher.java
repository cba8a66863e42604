package lakeops.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;

/**
 * Launches each task attempt as its own {@code spark-submit} process (Spark's {@code
 * org.apache.spark.deploy.SparkSubmit} from the Spark jars), in client mode, so a crashed task
 * cannot take the runner down. Output goes to the attempt's log file; the task values file is named
 * by {@value JobProperties#TASK_VALUES_ENV}. The task's {@value
 * JobProperties#DRIVER_JAVA_OPTIONS_CONF} (options separated by blanks) goes on the driver's
 * command line, as Spark's own {@code spark-submit} script puts it there in client mode.
 */
final class SparkSubmitLauncher implements TaskLauncher {

  private final LakeOpsHome home;
  private final SparkRuntime runtime;
  private final String driverMemory;

  public SparkSubmitLauncher(LakeOpsHome home, SparkRuntime runtime) {
    this(home, runtime, JobProperties.DRIVER_MEMORY_DEFAULT);
  }

  public SparkSubmitLauncher(LakeOpsHome home, SparkRuntime runtime, String driverMemory) {
    this.home = home;
    this.runtime = runtime;
    this.driverMemory = driverMemory;
  }

  @Override
  public TaskOutcome launch(TaskInvocation invocation) throws InterruptedException {
    Process process;
    try {
      Files.createDirectories(invocation.logFile().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command(invocation))
              .directory(home.root().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(invocation.logFile().toFile()));
      builder.environment().put(EnvironmentProperties.HOME_ENV, home.root().toString());
      builder.environment().put(JobProperties.TASK_VALUES_ENV, invocation.valuesFile().toString());
      builder.environment().put(JobProperties.JOB_RUN_ID_ENV, invocation.runId());
      builder.environment().put("SPARK_LOCAL_IP", JobProperties.LOOPBACK);
      process = builder.start();
    } catch (IOException e) {
      throw JobErrors.cannotLaunch(invocation.taskKey(), e);
    }
    Thread hook = Processes.stopOnExit(process);
    try {
      int exit = process.waitFor();
      return exit == 0
          ? TaskOutcome.success()
          : new TaskOutcome(exit, Processes.failureLine(invocation.logFile()));
    } catch (InterruptedException e) {
      Processes.stopTree(process);
      throw e;
    } finally {
      Processes.forget(hook);
    }
  }

  /** The spark-submit command line of {@code invocation}. */
  List<String> command(TaskInvocation invocation) {
    List<String> command = new ArrayList<>();
    command.add(runtime.java().toString());
    command.add("-Xmx" + driverMemory);
    command.addAll(runtime.jvmOptions());
    // In client mode the driver is this JVM: spark-submit's own launcher applies the option here.
    String driverOptions = invocation.sparkConf().get(JobProperties.DRIVER_JAVA_OPTIONS_CONF);
    if (driverOptions != null && !driverOptions.isBlank()) {
      command.addAll(List.of(driverOptions.strip().split("\\s+")));
    }
    command.add("-D" + EnvironmentProperties.HOME_PROPERTY + "=" + home.root());
    command.add(
        "-Dlog4j2.configurationFile=" + home.root().resolve(EnvironmentProperties.LOG4J2_FILE));
    command.add("-cp");
    command.add(runtime.classpathString());
    command.add(JobProperties.SPARK_SUBMIT_CLASS);
    command.add("--master");
    command.add(invocation.master());
    command.add("--name");
    command.add(invocation.jobName() + "." + invocation.taskKey());
    command.add("--class");
    command.add(invocation.mainClass());
    invocation
        .sparkConf()
        .forEach(
            (key, value) -> {
              command.add("--conf");
              command.add(key + "=" + value);
            });
    command.add(runtime.jobJar().toString());
    command.addAll(invocation.parameters());
    return command;
  }
}
