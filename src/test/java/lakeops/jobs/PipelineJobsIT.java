package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.sample.FlightsGenerator;
import lakeops.session.SessionFactory;
import lakeops.testing.CliProcess;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every job main under Spark's own {@code spark-submit}, in the order a pipeline runs them, as the
 * tasks of one job that {@code bin/lakeops job run} runs on an ephemeral standalone master and
 * worker on loopback, on a small synthetic lake: task values and parameters pass between tasks,
 * each step's output table is checked and every run is recorded in {@code dev.lakeops.job_runs}.
 * One test on purpose: each task is a JVM, and CI time is scarce.
 */
@ExtendWith(MlflowTestServer.class)
class PipelineJobsIT {

  private static final long RUN_TIMEOUT_SECONDS = 3600;

  /**
   * The pipeline; {@code LANDING} is replaced by the landing folder, {@code JVM_OPTIONS} by the
   * options of short-lived test JVMs.
   */
  private static final String PIPELINE_JOB =
      """
      name: pipeline
      parameters:
        - {name: landing, default: LANDING}
        - {name: model_name, default: flight_delay}
      job_clusters:
        - job_cluster_key: cluster
          new_cluster:
            kind: standalone
            spark_conf:
              spark.sql.shuffle.partitions: "4"
              spark.driver.extraJavaOptions: "JVM_OPTIONS"
              spark.executor.extraJavaOptions: "JVM_OPTIONS"
        - job_cluster_key: local
          new_cluster:
            kind: local
            cores_per_worker: 2
            spark_conf:
              spark.sql.shuffle.partitions: "4"
              spark.driver.extraJavaOptions: "JVM_OPTIONS"
      tasks:
        - task_key: bronze
          job_cluster_key: cluster
          spark_jar_task:
            main_class_name: lakeops.ingest.IngestJob
            parameters: [--env, "{{job.environment}}", --source, "{{job.parameters.landing}}",
                         --table, bronze.flights]
          max_retries: 1
        - task_key: silver
          depends_on: [{task_key: bronze}]
          job_cluster_key: local
          spark_jar_task: {main_class_name: lakeops.ingest.SilverJob, parameters: [--env, "{{job.environment}}"]}
        - task_key: gold
          depends_on: [{task_key: silver}]
          job_cluster_key: local
          spark_jar_task: {main_class_name: lakeops.ingest.GoldJob, parameters: [--env, "{{job.environment}}"]}
        - task_key: features
          depends_on: [{task_key: gold}]
          job_cluster_key: local
          spark_jar_task: {main_class_name: lakeops.features.FeaturesJob, parameters: [--env, "{{job.environment}}"]}
        - task_key: monitor_flights
          depends_on: [{task_key: gold}]
          job_cluster_key: local
          spark_jar_task:
            main_class_name: lakeops.monitoring.MonitorJob
            parameters: [--env, "{{job.environment}}", --monitor, flights]
        - task_key: train
          depends_on: [{task_key: features}]
          job_cluster_key: cluster
          spark_jar_task:
            main_class_name: lakeops.training.TrainJob
            parameters: [--env, "{{job.environment}}", --model, conf/models/flight_delay.yml]
        - task_key: validate
          depends_on: [{task_key: train}]
          job_cluster_key: local
          spark_jar_task:
            main_class_name: lakeops.deploy.DeployJob
            parameters: [validate, --env, "{{job.environment}}", --model, "{{job.parameters.model_name}}",
                         --version, "{{tasks.train.values.version}}", --actor, "job {{job.run_id}}"]
        - task_key: predict
          depends_on: [{task_key: validate}]
          job_cluster_key: cluster
          spark_jar_task:
            main_class_name: lakeops.inference.PredictJob
            parameters: [--env, "{{job.environment}}", --model, "{{job.parameters.model_name}}@champion",
                         --input, gold.flights]
        - task_key: labels
          depends_on: [{task_key: predict}]
          job_cluster_key: local
          spark_jar_task:
            main_class_name: lakeops.inference.LabelJob
            parameters: [--env, "{{job.environment}}", --model, "{{job.parameters.model_name}}"]
        - task_key: monitor_predictions
          depends_on: [{task_key: labels}]
          job_cluster_key: local
          spark_jar_task:
            main_class_name: lakeops.monitoring.MonitorJob
            parameters: [--env, "{{job.environment}}", --monitor, predictions]
        - task_key: log_run
          depends_on: [{task_key: monitor_flights}, {task_key: monitor_predictions}]
          job_cluster_key: local
          lakeops_task:
            command: sql
            parameters:
              - >-
                CREATE TABLE IF NOT EXISTS ml.pipeline_log (run_id STRING, version STRING, gold BIGINT);
                INSERT INTO ml.pipeline_log
                SELECT '{{job.run_id}}', '{{tasks.train.values.version}}', count(*) FROM gold.flights
      """;

  private LakeOpsHome home;

  @AfterEach
  void noClusterProcessIsLeft() {
    ClusterProcesses.assertNoneLeft(home);
  }

  @Test
  void everyJobMainRunsAsATaskOfAJobOnAnEphemeralStandaloneCluster() throws Exception {
    home = TestHome.create("pipeline-jobs");
    quickModel(home.confDir().resolve("models/flight_delay.yml"));
    Path rules = home.confDir().resolve("deployment/flight_delay.yml");
    // Synthetic flights carry little signal: the threshold is not what this test is about.
    // Nor is the champion: other tests of this JVM's MLflow server may have registered one.
    Files.writeString(
        rules,
        Files.readString(rules)
            .replace(">= 0.68", ">= 0.0")
            .replace("tolerance: 0.005", "tolerance: 1.0"));
    Path job = home.root().resolve("jobs/pipeline.yml");
    Files.createDirectories(job.getParent());
    Path landing = home.root().resolve("landing/flights");
    Files.writeString(
        job,
        PIPELINE_JOB
            .replace("LANDING", landing.toString())
            .replace("JVM_OPTIONS", TestHome.SHORT_JVM_OPTIONS));

    SparkSession dev = SessionFactory.create(Environments.load(home, tracking()::get), "dev");
    FlightsGenerator.flights(3000).write(dev, landing.toString(), "parquet", 1);

    CliProcess.Result run = jobRun(job);

    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("task bronze RUNNING (attempt 1) on spark://127.0.0.1:")
        .contains("task silver RUNNING (attempt 1) on local[2]")
        .contains("task log_run TERMINATED SUCCESS")
        .contains("SUCCESS, recorded in dev.lakeops.job_runs");
    Row outputs =
        dev.sql(
                "SELECT (SELECT count(*) FROM dev.bronze.flights) AS bronze,"
                    + " (SELECT count(*) > 0 FROM dev.silver.flights) AS silver,"
                    + " (SELECT count(*) > 0 FROM dev.features.route_stats) AS features,"
                    + " (SELECT count(*) > 0 FROM dev.monitoring.flights_profile_metrics) AS monitor,"
                    + " (SELECT count(*) FROM dev.ml.predictions)"
                    + "   = (SELECT count(*) FROM dev.gold.flights) AS predicted,"
                    + " (SELECT count(label) > 0 FROM dev.ml.predictions) AS labelled,"
                    + " (SELECT count(*) > 0 FROM dev.monitoring.predictions_profile_metrics"
                    + "   WHERE column_name = ':table') AS quality")
            .first();
    assertThat(outputs.toString()).isEqualTo("[3000,true,true,true,true,true,true]");
    Row logged =
        dev.sql(
                "SELECT l.gold, l.run_id = r.run_id AS same_run, d.result, d.actor = concat('job ', r.run_id)"
                    + " FROM dev.ml.pipeline_log l JOIN dev.lakeops.job_runs r ON r.task_key IS NULL"
                    + " JOIN dev.ml.deployments d ON d.action = 'validate'"
                    + "  AND CAST(d.version AS STRING) = l.version")
            .first();
    assertThat(logged.toString()).isEqualTo("[3000,true,PASSED,true]");
    Map<String, String> masters = new TreeMap<>();
    for (Row r :
        dev.sql(
                "SELECT coalesce(task_key, '(job)'), max(result_state = 'SUCCESS'),"
                    + " CASE WHEN bool_and(master LIKE 'spark://127.0.0.1:%') THEN 'standalone'"
                    + " WHEN bool_and(master = 'local[2]') THEN 'local' ELSE 'other' END"
                    + " FROM dev.lakeops.job_runs GROUP BY 1")
            .collectAsList()) {
      assertThat(r.getBoolean(1)).as(r.toString()).isTrue();
      masters.put(r.getString(0), r.getString(2));
    }
    assertThat(masters)
        .hasSize(12)
        .containsEntry("bronze", "standalone")
        .containsEntry("train", "standalone")
        .containsEntry("predict", "standalone")
        .containsEntry("silver", "local")
        .containsEntry("monitor_predictions", "local")
        .containsEntry("log_run", "local");
  }

  /** The shipped model with few trees and no grid: the step is checked, not the model. */
  private static void quickModel(Path spec) throws IOException {
    String yaml = Files.readString(spec).replace("max_iter: 30", "max_iter: 3");
    Files.writeString(
        spec,
        yaml.substring(0, yaml.indexOf("tuning:")) + yaml.substring(yaml.indexOf("metrics:")));
  }

  private static Map<String, String> tracking() {
    return Map.of("LAKEOPS_MLFLOW_TRACKING_URI", MlflowTestServer.server().url());
  }

  /** {@code bin/lakeops job run} in its own process, with room for a loaded 2-core machine. */
  private CliProcess.Result jobRun(Path job) throws Exception {
    Path out = Files.createTempFile("lakeops-job", ".out");
    Path err = Files.createTempFile("lakeops-job", ".err");
    Process process =
        CliProcess.start(home, tracking(), out, err, "job", "run", job.toString(), "--env", "dev");
    if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
      throw new AssertionError(
          "job run ran over " + RUN_TIMEOUT_SECONDS + " s: " + Files.readString(out));
    }
    return new CliProcess.Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
