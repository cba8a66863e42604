package lakeops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.sample.SampleProperties;
import lakeops.testing.CliProcess;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.tracking.MlflowClient;

/** Against the real MLflow server of the test JVM. */
@ExtendWith(MlflowTestServer.class)
class TrackingTest {

  @Test
  void runLoggedThroughTheJavaClientIsReadBack() {
    MlflowClient client = new MlflowClient(MlflowTestServer.server().url());
    String experimentId = client.createExperiment("tracking-test-" + System.nanoTime());
    String runId = client.createRun(experimentId).getRunId();
    client.logParam(runId, "max_depth", "5");
    client.logMetric(runId, "auc", 0.875);
    client.setTag(runId, "lakeops.environment", "dev");
    client.setTerminated(runId);

    Run run = new MlflowClient(MlflowTestServer.server().url()).getRun(runId);
    assertThat(run.getInfo().getExperimentId()).isEqualTo(experimentId);
    assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(
            run.getData().getParamsList().stream()
                .collect(Collectors.toMap(Param::getKey, Param::getValue)))
        .containsEntry("max_depth", "5");
    assertThat(run.getData().getMetricsList())
        .anySatisfy(
            m -> {
              assertThat(m.getKey()).isEqualTo("auc");
              assertThat(m.getValue()).isEqualTo(0.875);
            });
  }

  @Test
  void quickstartLogsARunToTheEnvironmentsServer() {
    LakeOpsHome home = TestHome.create("quickstart");
    Map<String, String> serverEnv =
        Map.of(
            MlflowProperties.PORT_ENV, Integer.toString(MlflowTestServer.PORT),
            MlflowProperties.DIR_ENV, MlflowTestServer.server().dataDir().toString(),
            SampleProperties.QUICKSTART_SYNTHETIC_ROWS_ENV, "2000");
    CliProcess.Result result = CliProcess.run(home, serverEnv, "quickstart", "--env", "dev");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains("rows=1000")
        .contains("Quickstart done")
        .contains("bronze dev.bronze.flights: batches=1 read=2000 ingested=2000 quarantined=0")
        .contains("gold flights rows=2000");
    assertThat(home.lakehouseDir().resolve("dev").resolve("features")).isDirectory();
    // dev may not write staging's or prod's storage, not even to provision it.
    for (String env : new String[] {"staging", "prod"}) {
      assertThat(home.lakehouseDir().resolve(env).resolve("features")).doesNotExist();
      assertThat(result.stdout())
          .containsPattern(env + " .*\\(read-only from dev: its own sessions provision it\\)");
    }
    assertThat(home.lakehouseDir().resolve("dev/gold/quickstart_numbers/_delta_log")).isDirectory();
    assertThat(home.lakehouseDir().resolve("dev/gold/airport_daily/_delta_log")).isDirectory();
    assertThat(home.lakehouseDir().resolve("dev/features/route_stats/_delta_log")).isDirectory();
    assertThat(result.stdout())
        .contains("dev.features.origin_delay_stats")
        .contains("model=dev.ml.flight_delay")
        .containsPattern("version=1 alias=champion uri=models:/")
        .doesNotContain("skipped:");

    String runId =
        result
            .stdout()
            .lines()
            .filter(l -> l.contains("run="))
            .map(l -> l.replaceAll(".*run=(\\S+).*", "$1"))
            .findFirst()
            .orElseThrow();
    Run run = new MlflowClient(MlflowTestServer.server().url()).getRun(runId);
    assertThat(run.getData().getParamsList())
        .anySatisfy(
            p -> {
              assertThat(p.getKey()).isEqualTo("table");
              assertThat(p.getValue()).isEqualTo("dev.gold.quickstart_numbers");
            });
    String experimentName =
        new MlflowClient(MlflowTestServer.server().url())
            .getExperiment(run.getInfo().getExperimentId())
            .getName();
    Tracking tracking =
        Tracking.forEnvironment(
            home,
            Environments.load(
                    home,
                    Map.of("LAKEOPS_MLFLOW_TRACKING_URI", MlflowTestServer.server().url())::get)
                .get("dev"));
    assertThat(experimentName)
        .isEqualTo(tracking.experimentName("quickstart"))
        .isEqualTo("/lakeops/dev/quickstart");
  }
}
