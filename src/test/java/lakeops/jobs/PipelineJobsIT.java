package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lakeops.env.LakeOpsHome;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every job main under Spark's own {@code spark-submit}, in the order a pipeline runs them, against
 * an ephemeral standalone master and worker on loopback, on a small synthetic lake: each step's
 * output table is checked. One test on purpose: each submit is a JVM, and CI time is scarce.
 */
@ExtendWith(MlflowTestServer.class)
class PipelineJobsIT {

  private static final Path JAR = TestHome.projectDir().resolve("target/lakeops-jobs.jar");
  private static final long SUBMIT_TIMEOUT_SECONDS = 900;

  private static LakeOpsHome home;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() {
    home = TestHome.create("pipeline-jobs");
    cluster =
        StandaloneCluster.start(
            home,
            SparkRuntime.of(LakeOpsHome.at(TestHome.projectDir())),
            home.root().resolve("cluster"),
            1,
            2,
            "1g");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyJobMainRunsUnderSparkSubmitOnAStandaloneCluster() throws Exception {
    quickModel(home.confDir().resolve("models/flight_delay.yml"));
    Path rules = home.confDir().resolve("deployment/flight_delay.yml");
    // Synthetic flights carry little signal: the threshold is not what this test is about.
    // Nor is the champion: other tests of this JVM's MLflow server may have registered one.
    Files.writeString(
        rules,
        Files.readString(rules)
            .replace(">= 0.68", ">= 0.0")
            .replace("tolerance: 0.005", "tolerance: 1.0"));
    Path landing = home.root().resolve("landing/flights");
    submit("lakeops.cli.LakeOps", "generate", "--out", landing.toString(), "--rows", "3000");
    submit(
        "lakeops.ingest.IngestJob",
        "--env",
        "dev",
        "--source",
        landing.toString(),
        "--table",
        "bronze.flights");
    submit("lakeops.ingest.SilverJob", "--env", "dev");
    submit("lakeops.ingest.GoldJob", "--env", "dev");
    submit("lakeops.features.FeaturesJob", "--env", "dev");
    submit("lakeops.training.TrainJob", "--env", "dev", "--model", "conf/models/flight_delay.yml");
    submit("lakeops.deploy.DeployJob", "validate", "--env", "dev", "--model", "flight_delay");
    submit(
        "lakeops.inference.PredictJob",
        "--env",
        "dev",
        "--model",
        "flight_delay@champion",
        "--input",
        "gold.flights");
    submit("lakeops.inference.LabelJob", "--env", "dev", "--model", "flight_delay");
    submit("lakeops.monitoring.MonitorJob", "--env", "dev", "--monitor", "flights");
    submit("lakeops.monitoring.MonitorJob", "--env", "dev", "--monitor", "predictions");

    String out =
        submit(
            "lakeops.cli.LakeOps",
            "sql",
            "--env",
            "dev",
            "--format",
            "csv",
            "SELECT (SELECT count(*) FROM dev.bronze.flights) AS bronze,"
                + " (SELECT count(*) > 0 FROM dev.silver.flights) AS silver,"
                + " (SELECT count(*) > 0 FROM dev.gold.flights) AS gold,"
                + " (SELECT count(*) > 0 FROM dev.features.route_stats) AS features,"
                + " (SELECT count(*) > 0 FROM dev.monitoring.flights_profile_metrics) AS monitor,"
                + " (SELECT count(*) FROM dev.ml.predictions)"
                + "   = (SELECT count(*) FROM dev.gold.flights) AS predicted,"
                + " (SELECT count(label) > 0 FROM dev.ml.predictions) AS labelled,"
                + " (SELECT count(*) FROM dev.ml.deployments"
                + "   WHERE action = 'validate' AND result = 'PASSED') AS validated,"
                + " (SELECT count(*) > 0 FROM dev.monitoring.predictions_profile_metrics"
                + "   WHERE column_name = ':table') AS quality");
    assertThat(out.lines())
        .containsExactly(
            "bronze,silver,gold,features,monitor,predicted,labelled,validated,quality",
            "3000,true,true,true,true,true,true,1,true");
  }

  /** The shipped model with few trees and no grid: the step is checked, not the model. */
  private static void quickModel(Path spec) throws IOException {
    String yaml = Files.readString(spec).replace("max_iter: 30", "max_iter: 3");
    Files.writeString(
        spec,
        yaml.substring(0, yaml.indexOf("tuning:")) + yaml.substring(yaml.indexOf("metrics:")));
  }

  /** Submits {@code mainClass} of the job jar to the cluster; returns its standard output. */
  private static String submit(String mainClass, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBinary(),
                "-Xmx1g",
                "-cp",
                clusterClasspath(),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                cluster.masterUrl(),
                "--class",
                mainClass,
                "--conf",
                "spark.cores.max=2",
                "--driver-java-options",
                "-Dlakeops.home=" + home.root(),
                JAR.toString()));
    command.addAll(Arrays.asList(args));
    Path out = Files.createTempFile("submit", ".out");
    Path err = Files.createTempFile("submit", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(home.root().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("LAKEOPS_MLFLOW_TRACKING_URI", MlflowTestServer.server().url());
    Process process = builder.start();
    if (!process.waitFor(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(mainClass + " ran over " + SUBMIT_TIMEOUT_SECONDS + " s");
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as(mainClass + " " + String.join(" ", args) + "\n" + stdout + tail(err))
        .isZero();
    return stdout;
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Spark, Delta and Hadoop as a cluster has them: the launcher classpath without ours. */
  private static String clusterClasspath() throws IOException {
    String all =
        Files.readString(TestHome.projectDir().resolve("target/lakeops-classpath.txt")).strip();
    return Arrays.stream(all.split(java.io.File.pathSeparator))
        .filter(entry -> !entry.contains("/org/mlflow/") && !entry.contains("/info/picocli/"))
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
