package lakeops.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One attempt of a task, ready to submit: its main class and resolved arguments, the master and
 * Spark settings of its cluster, and the files it writes.
 *
 * @param jobName the job
 * @param runId the job run
 * @param environment the environment
 * @param taskKey the task
 * @param attempt the attempt, from 0
 * @param mainClass the Java main class
 * @param parameters its resolved arguments
 * @param master the Spark master URL
 * @param sparkConf Spark settings of the task
 * @param valuesFile where the task writes its task values ({@link TaskValues})
 * @param logFile where its output goes
 */
record TaskInvocation(
    String jobName,
    String runId,
    String environment,
    String taskKey,
    int attempt,
    String mainClass,
    List<String> parameters,
    String master,
    Map<String, String> sparkConf,
    Path valuesFile,
    Path logFile) {

  public TaskInvocation {
    parameters = List.copyOf(parameters);
    sparkConf = Map.copyOf(sparkConf);
  }
}
