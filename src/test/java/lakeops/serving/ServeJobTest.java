package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import lakeops.cli.LakeOps;
import lakeops.jobs.JobSpec;
import lakeops.jobs.JobSpecs;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs/serving.yml} is a valid job running {@link ServeJob}, and {@code lakeops serve} is a
 * command.
 */
class ServeJobTest {

  @Test
  void servingJobIsValidAndItsMainClassExists() throws Exception {
    JobSpec job = JobSpecs.load(TestHome.projectDir().resolve("jobs/serving.yml"));
    assertThat(job.name()).isEqualTo("serving");
    assertThat(job.toString()).contains("lakeops.serving.ServeJob");
    assertThat(Class.forName("lakeops.serving.ServeJob").getMethod("main", String[].class))
        .isNotNull();
  }

  @Test
  void serveCommandDescribesItsOptions() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = LakeOps.execute("help", "serve");
    } finally {
      System.setOut(original);
    }
    assertThat(code).isZero();
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains(
            "--model=NAME@ALIAS",
            "--port=PORT",
            "--token-file=FILE",
            "--no-inference-log",
            "127.0.0.1");
  }
}
