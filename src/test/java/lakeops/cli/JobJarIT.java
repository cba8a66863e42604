package lakeops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import lakeops.env.LakeOpsHome;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;

/**
 * The job jar under Spark's own {@code spark-submit} ({@code org.apache.spark.deploy.SparkSubmit}),
 * with only what a cluster provides (Spark, Delta, Hadoop) on the classpath besides the jar.
 */
class JobJarIT {

  private static final Path JAR = TestHome.projectDir().resolve("target/lakeops-jobs.jar");

  @Test
  void jobJarShipsItsLibrariesButNotTheCluster() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getEntry("lakeops/cli/LakeOps.class")).isNotNull();
      assertThat(jar.getEntry("picocli/CommandLine.class")).isNotNull();
      assertThat(jar.getEntry("org/mlflow/tracking/MlflowClient.class")).isNotNull();
      assertThat(jar.getEntry("org/apache/spark/sql/SparkSession.class")).isNull();
      assertThat(jar.getEntry("io/delta/tables/DeltaTable.class")).isNull();
      assertThat(jar.getEntry("org/apache/hadoop/fs/FileSystem.class")).isNull();
    }
  }

  @Test
  void sparkSubmitRunsTheJobJar() throws Exception {
    LakeOpsHome home = TestHome.create("spark-submit");
    Process process =
        new ProcessBuilder(
                List.of(
                    javaBinary(),
                    "-Xmx1g",
                    "-cp",
                    clusterClasspath(),
                    "org.apache.spark.deploy.SparkSubmit",
                    "--master",
                    "local[2]",
                    "--class",
                    "lakeops.cli.LakeOps",
                    "--conf",
                    "spark.driver.extraJavaOptions=-Dlakeops.home=" + home.root(),
                    "--driver-java-options",
                    "-Dlakeops.home=" + home.root(),
                    JAR.toString(),
                    "sql",
                    "--env",
                    "dev",
                    "--format",
                    "csv",
                    "CREATE SCHEMA dev.jobs; CREATE TABLE dev.jobs.t AS SELECT id FROM range(3); "
                        + "SELECT sum(id) AS total, current_catalog() AS catalog FROM dev.jobs.t"))
            .directory(home.root().toFile())
            .redirectErrorStream(false)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(err).isZero();
    assertThat(out.lines()).containsExactly("total,catalog", "3,dev");
    assertThat(home.lakehouseDir().resolve("dev/jobs/t/_delta_log")).isDirectory();
  }

  /**
   * Spark, Delta and Hadoop as a cluster has them: the launcher classpath without our libraries.
   */
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
