package lakeops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import lakeops.testing.MlflowTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.tracking.MlflowClient;

/**
 * Against the real MLflow server of the test JVM. (The quickstart's own run is checked by {@code
 * ArchitectureIT}, which runs it.)
 */
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
}
