package lakeops.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.SparkSession;

/** Entry points of the jobs area for a project: finding job files, the runner of an environment. */
public final class Jobs {

  private Jobs() {}

  /** Local state of runs and the scheduler: {@code .lakehouse/_jobs}. */
  public static Path stateDir(LakeOpsHome home) {
    return home.lakehouseDir().resolve(JobProperties.STATE_DIR);
  }

  /**
   * The runner of {@code environment}: every task a spark-submit process of the installation's job
   * jar, on the job's clusters, or on {@code existingMaster} when it is not null.
   */
  public static JobRunner runner(LakeOpsHome home, Environment environment, String existingMaster) {
    SparkRuntime runtime = SparkRuntime.of(home);
    return new JobRunner(
        new SparkSubmitLauncher(home, runtime),
        new JobClusters(home, environment, runtime, stateDir(home), existingMaster),
        stateDir(home));
  }

  /**
   * The runner's own session in {@code environment}, only for recording runs: one local core and no
   * UI unless the JVM's {@code spark.master} and {@code spark.ui.enabled} properties say otherwise
   * (tasks get their own JVMs and clusters).
   */
  public static SparkSession runnerSession(Environments environments, String environment) {
    if (System.getProperty("spark.master") == null) {
      System.setProperty("spark.master", "local[1]");
    }
    if (System.getProperty("spark.ui.enabled") == null) {
      System.setProperty("spark.ui.enabled", "false");
    }
    return SessionFactory.create(environments, environment);
  }

  /**
   * The job file {@code name}: a path as given (from the working directory or the home), or the
   * name of a job in the home's {@code jobs/}.
   */
  public static Path find(LakeOpsHome home, String name) {
    Path given = Path.of(name);
    for (Path candidate :
        new Path[] {
          given,
          home.root().resolve(name),
          home.root().resolve(JobProperties.JOBS_DIR).resolve(name + ".yml")
        }) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw JobErrors.noJobFile(name, home.root().resolve(JobProperties.JOBS_DIR));
  }
}
