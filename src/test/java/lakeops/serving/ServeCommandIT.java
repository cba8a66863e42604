package lakeops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.mlflow.ModelVersion;
import lakeops.testing.CliProcess;
import lakeops.testing.MlflowTestServer;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bin/lakeops serve} as a process: it serves the champion of a model named without its
 * environment prefix, requires the token from {@code $LAKEOPS_SERVING_TOKEN} without ever printing
 * it, and on SIGTERM appends every served row to {@code dev.ml.inference_log} before it exits.
 */
@ExtendWith(MlflowTestServer.class)
class ServeCommandIT {

  private static final String NAME = "dev.ml.serve_cli";
  private static final String TOKEN = "cli-token-7f3a";
  private static final Pattern SERVING =
      Pattern.compile(
          "Serving models:/"
              + Pattern.quote(NAME)
              + "@champion \\(version (\\d+)\\) on (http://127\\.0\\.0\\.1:\\d+) \\(bearer token required\\)");

  @Test
  void sigtermAppendsEveryServedRowBeforeExiting() throws Exception {
    PipelineModel model = ServingFixture.fit(false);
    ModelVersion version = ServingFixture.register(NAME, ServingFixture.write(model));
    ServingFixture.registry().setAlias(NAME, "champion", version.version());
    List<Row> rows = ServingFixture.rows(25, 51, true);
    List<Double> expected = ServingFixture.sparkPredictions(model, rows);
    Path out = Files.createTempFile("lakeops-serve", ".out");
    Path err = Files.createTempFile("lakeops-serve", ".err");
    Process serve =
        CliProcess.start(
            ServingFixture.testHome(),
            Map.of(
                "LAKEOPS_MLFLOW_TRACKING_URI",
                MlflowTestServer.server().url(),
                "LAKEOPS_SERVING_TOKEN",
                TOKEN),
            out,
            err,
            "serve",
            "--env",
            "dev",
            "--model",
            "serve_cli@champion",
            "--port",
            "0");
    try {
      Matcher started = waitForStart(serve, out, err);
      assertThat(started.group(1)).isEqualTo(Integer.toString(version.version()));
      String url = started.group(2);
      for (int i = 0; i < rows.size(); i++) {
        var response =
            ServingFixture.post(
                url, "application/json", ServingFixture.split(rows.subList(i, i + 1)), TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ModelServerTest.predictions(response)).containsExactly(expected.get(i));
      }
      assertThat(
              ServingFixture.post(
                      url, "application/json", ServingFixture.split(rows.subList(0, 1)), null)
                  .statusCode())
          .isEqualTo(401);
    } finally {
      serve.destroy(); // SIGTERM
    }
    assertThat(serve.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(serve.exitValue()).isEqualTo(143);
    assertThat(Files.readString(out) + Files.readString(err)).doesNotContain(TOKEN);
    assertThat(
            ServingFixture.session()
                .sql(
                    "SELECT count(*), count(DISTINCT request_id) FROM dev.ml.inference_log "
                        + "WHERE model_name = '"
                        + NAME
                        + "'")
                .first())
        .isEqualTo(org.apache.spark.sql.RowFactory.create(25L, 25L));
  }

  private static Matcher waitForStart(Process serve, Path out, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (System.nanoTime() < deadline) {
      Matcher matcher = SERVING.matcher(Files.readString(out));
      if (matcher.find()) {
        return matcher;
      }
      assertThat(serve.isAlive()).as("lakeops serve exited: %s", Files.readString(err)).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("lakeops serve did not start: " + Files.readString(err));
  }
}
