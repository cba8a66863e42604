package lakeops.jobs;

import java.util.Map;
import lakeops.jobs.JobSpec.TaskSpec;

/** Starts the clusters of a job run and tells each task its master and Spark settings. */
interface ClusterProvider {

  /** The clusters {@code job}'s tasks run on, started; close them at the end of the run. */
  RunningClusters start(JobSpec job);

  /** The clusters of one run. Closing tears down what was started for the run. */
  interface RunningClusters extends AutoCloseable {

    /** The Spark master URL {@code task} is submitted to. */
    String master(TaskSpec task);

    /** The Spark settings of {@code task}'s cluster. */
    Map<String, String> sparkConf(TaskSpec task);

    @Override
    void close();
  }

  /** Every task on one master with no extra settings (an existing cluster, or local mode). */
  static ClusterProvider fixed(String master) {
    return job ->
        new RunningClusters() {
          @Override
          public String master(TaskSpec task) {
            return master;
          }

          @Override
          public Map<String, String> sparkConf(TaskSpec task) {
            return Map.of();
          }

          @Override
          public void close() {}
        };
  }
}
