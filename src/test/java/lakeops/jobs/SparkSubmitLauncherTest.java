package lakeops.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lakeops.env.LakeOpsHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkSubmitLauncherTest {

  @Test
  void theTasksDriverJavaOptionsStartItsDriverJvmAndStayInItsSparkConf(@TempDir Path dir)
      throws IOException {
    SparkRuntime runtime =
        new SparkRuntime(
            Path.of("/jdk/bin/java"), List.of("--add-opens=x"), List.of("a.jar"), Path.of("j.jar"));
    String options = " -XX:TieredStopAtLevel=1   -Dlakeops.mark=1 ";
    TaskInvocation task =
        new TaskInvocation(
            "pipeline",
            "run-1",
            "dev",
            "bronze",
            0,
            "lakeops.ingest.IngestJob",
            List.of("--env", "dev"),
            "local[2]",
            Map.of(JobProperties.DRIVER_JAVA_OPTIONS_CONF, options),
            dir.resolve("values.json"),
            dir.resolve("bronze-0.log"));

    List<String> command = new SparkSubmitLauncher(home(dir), runtime).command(task);

    int submit = command.indexOf(JobProperties.SPARK_SUBMIT_CLASS);
    assertThat(command.subList(0, submit))
        .startsWith("/jdk/bin/java", "-Xmx" + JobProperties.DRIVER_MEMORY_DEFAULT, "--add-opens=x")
        .contains("-XX:TieredStopAtLevel=1", "-Dlakeops.mark=1")
        .doesNotContain("", " -XX:TieredStopAtLevel=1");
    assertThat(command.subList(submit, command.size()))
        .containsSequence("--conf", JobProperties.DRIVER_JAVA_OPTIONS_CONF + "=" + options)
        .endsWith("j.jar", "--env", "dev");
  }

  @Test
  void withoutDriverJavaOptionsTheDriverHasOnlyTheRuntimesOptions(@TempDir Path dir)
      throws IOException {
    SparkRuntime runtime =
        new SparkRuntime(Path.of("java"), List.of("-Da=1"), List.of("a.jar"), Path.of("j.jar"));
    TaskInvocation task =
        new TaskInvocation(
            "job",
            "run-2",
            "dev",
            "t",
            0,
            "M",
            List.of(),
            "local[1]",
            Map.of(),
            dir.resolve("v"),
            dir.resolve("l"));

    List<String> command = new SparkSubmitLauncher(home(dir), runtime).command(task);

    assertThat(command.subList(0, command.indexOf("-cp")))
        .containsExactly(
            "java",
            "-Xmx" + JobProperties.DRIVER_MEMORY_DEFAULT,
            "-Da=1",
            "-Dlakeops.home=" + dir,
            "-Dlog4j2.configurationFile=" + dir.resolve("conf/log4j2.properties"));
  }

  private static LakeOpsHome home(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("environments"));
    return LakeOpsHome.at(dir);
  }
}
