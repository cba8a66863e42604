package lakeops.jobs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import lakeops.env.Environment;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobSpec.ClusterKind;
import lakeops.jobs.JobSpec.JobCluster;
import lakeops.jobs.JobSpec.TaskSpec;

/**
 * The clusters of a job run: {@code local} clusters run each task in {@code local[*]} (or {@code
 * local[cores]}), {@code standalone} ones start an ephemeral {@link StandaloneCluster} sized by the
 * spec or the environment's {@code job_cluster}, torn down at the end of the run. With an existing
 * master URL ({@code --master}), every task is submitted there as is.
 */
final class JobClusters implements ClusterProvider {

  private final LakeOpsHome home;
  private final Environment environment;
  private final SparkRuntime runtime;
  private final Path stateDir;
  private final String existingMaster;

  /**
   * Clusters of {@code environment}'s runs, with daemons launched from {@code runtime} and state
   * under {@code stateDir}; {@code existingMaster}, when not null, replaces every cluster.
   */
  JobClusters(
      LakeOpsHome home,
      Environment environment,
      SparkRuntime runtime,
      Path stateDir,
      String existingMaster) {
    this.home = home;
    this.environment = environment;
    this.runtime = runtime;
    this.stateDir = stateDir;
    this.existingMaster = existingMaster;
  }

  @Override
  public RunningClusters start(JobSpec job) {
    if (existingMaster != null && !existingMaster.isBlank()) {
      return ClusterProvider.fixed(existingMaster).start(job);
    }
    Started started = new Started(job);
    try {
      for (TaskSpec task : job.tasks()) {
        if (task.jobClusterKey() != null && !started.masters.containsKey(task.jobClusterKey())) {
          started.start(job.jobClusters().get(task.jobClusterKey()));
        }
      }
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private final class Started implements RunningClusters {
    private final JobSpec job;
    private final Map<String, String> masters = new LinkedHashMap<>();
    private final Map<String, StandaloneCluster> standalone = new HashMap<>();

    Started(JobSpec job) {
      this.job = job;
    }

    void start(JobCluster cluster) {
      Environment.JobClusterSpec defaults = environment.jobCluster();
      int cores =
          cluster.coresPerWorker() != null
              ? cluster.coresPerWorker()
              : defaults.coresPerWorker() == null ? 1 : defaults.coresPerWorker();
      if (cluster.kind() == ClusterKind.LOCAL) {
        masters.put(
            cluster.key(), cluster.coresPerWorker() == null ? "local[*]" : "local[" + cores + "]");
        return;
      }
      int workers =
          cluster.numWorkers() != null
              ? cluster.numWorkers()
              : defaults.workers() == null ? 1 : defaults.workers();
      String memory =
          cluster.memoryPerWorker() != null
              ? cluster.memoryPerWorker()
              : defaults.memoryPerWorker() == null
                  ? EnvironmentProperties.WORKER_MEMORY_DEFAULT
                  : defaults.memoryPerWorker();
      Path dir =
          stateDir
              .resolve("clusters")
              .resolve(job.name() + "-" + cluster.key() + "-" + System.currentTimeMillis());
      StandaloneCluster running =
          StandaloneCluster.start(home, runtime, dir, workers, cores, memory);
      standalone.put(cluster.key(), running);
      masters.put(cluster.key(), running.masterUrl());
    }

    @Override
    public String master(TaskSpec task) {
      return task.jobClusterKey() == null
          ? EnvironmentProperties.MASTER_DEFAULT
          : masters.get(task.jobClusterKey());
    }

    @Override
    public Map<String, String> sparkConf(TaskSpec task) {
      Map<String, String> conf = new LinkedHashMap<>();
      if (task.jobClusterKey() == null) {
        return conf;
      }
      JobCluster cluster = job.jobClusters().get(task.jobClusterKey());
      if (cluster.kind() == ClusterKind.STANDALONE) {
        conf.put("spark.driver.host", JobProperties.LOOPBACK);
        conf.put("spark.driver.bindAddress", JobProperties.LOOPBACK);
        String memory =
            cluster.memoryPerWorker() != null
                ? cluster.memoryPerWorker()
                : environment.jobCluster().memoryPerWorker();
        if (memory != null) {
          conf.put("spark.executor.memory", memory);
        }
      }
      conf.putAll(cluster.sparkConf());
      return conf;
    }

    @Override
    public void close() {
      standalone.values().forEach(StandaloneCluster::close);
      standalone.clear();
    }
  }
}
