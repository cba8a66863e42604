package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lakeops.env.LakeOpsHome;

/** The cluster and task processes a job run on {@code home} may leave behind, for tests. */
final class ClusterProcesses {

  private ClusterProcesses() {}

  /**
   * Asserts that a job run on {@code home} (if any) left no process behind, killing what it left.
   */
  static void assertNoneLeft(LakeOpsHome home) {
    if (home != null) {
      assertThat(killLeftOver(home)).as("cluster and task processes after the run").isEmpty();
    }
  }

  /**
   * Kills every master, worker, executor and spark-submit process of {@code home} still running and
   * returns their command lines (none after a clean run).
   */
  private static List<String> killLeftOver(LakeOpsHome home) {
    String marker = home.root().toString();
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(
                        c ->
                            c.contains(marker)
                                && (c.contains(JobProperties.MASTER_CLASS)
                                    || c.contains(JobProperties.WORKER_CLASS)
                                    || c.contains("CoarseGrainedExecutorBackend")
                                    || c.contains(JobProperties.SPARK_SUBMIT_CLASS)))
                    .orElse(false))
        .peek(ProcessHandle::destroyForcibly)
        .map(p -> p.info().commandLine().orElse("?"))
        .toList();
  }
}
