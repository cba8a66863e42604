package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.InvalidConfigException;
import lakeops.jobs.JobSpecs;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Monitor files are read strictly, with errors naming file and key; the shipped ones are valid. */
class MonitorSpecsTest {

  @TempDir Path dir;

  private Path write(String name, String yaml) throws Exception {
    Path file = dir.resolve(name + ".yml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void readsTheShippedMonitorsAndMonitoringJob() {
    LakeOpsHome project = LakeOpsHome.at(TestHome.projectDir());
    MonitorSpec flights = MonitorSpecs.load(project, "flights");
    assertThat(flights.profileType()).isEqualTo(ProfileType.TIME_SERIES);
    assertThat(flights.granularities())
        .extracting(MonitorSpec.Granularity::duration)
        .containsExactly(Duration.ofDays(1), Duration.ofDays(7));
    assertThat(flights.slicingExpressions()).containsExactly("origin", "distance_miles > 1000");
    assertThat(flights.alerts()).extracting(AlertRule::name).contains("feature_drift");
    MonitorSpec predictions = MonitorSpecs.load(project, "predictions");
    assertThat(predictions.inferenceLog().orElseThrow().problemType())
        .isEqualTo(ProblemType.CLASSIFICATION);
    assertThat(predictions.alerts().get(1).atLeast()).isEqualTo(2);
    assertThat(MonitorSpecs.list(project))
        .extracting(MonitorSpec::name)
        .contains("flights", "predictions");
    assertThat(JobSpecs.load(TestHome.projectDir().resolve("jobs/monitoring.yml")).name())
        .isEqualTo("monitoring");
  }

  @Test
  void refusesBadFilesNamingFileAndKey() throws Exception {
    String head = "name: m\ntable: s.t\nprofile_type: time_series\ntimestamp_col: ts\n";
    assertThatThrownBy(() -> MonitorSpecs.load(write("m", head + "granularity: [\"1 day\"]\n")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("m.yml")
        .hasMessageContaining("unknown key 'granularity'");
    assertThatThrownBy(
            () -> MonitorSpecs.load(write("m", head + "granularities: [\"1 fortnight\"]\n")))
        .hasMessageContaining(
            "key 'granularities[0]' must be '<n> minute|hour|day|week', got '1 fortnight'");
    assertThatThrownBy(
            () ->
                MonitorSpecs.load(
                    write(
                        "m",
                        head
                            + "alerts: [{name: a, metric: js_distance, column: c, condition: \">\"}]\n")))
        .hasMessageContaining("key 'alerts[0].threshold' is required with condition");
    assertThatThrownBy(
            () ->
                MonitorSpecs.load(
                    write(
                        "m",
                        head
                            + "alerts: [{name: a, metric: js_distance, column: c, condition: \">\", threshold: 1, at_least: 4, of_last: 3}]\n")))
        .hasMessageContaining("key 'alerts[0].at_least' must be between 1 and of_last (3), got 4");
    assertThatThrownBy(
            () ->
                MonitorSpecs.load(
                    write(
                        "m",
                        "name: m\ntable: s.t\nprofile_type: inference_log\n"
                            + "timestamp_col: ts\n")))
        .hasMessageContaining("key 'inference_log' is required for profile_type inference_log");
    assertThatThrownBy(() -> MonitorSpecs.load(write("other", head)))
        .hasMessageContaining("key 'name' must equal the file name 'other', got 'm'");
    assertThatThrownBy(() -> MonitorSpecs.load(LakeOpsHome.at(TestHome.projectDir()), "nope"))
        .hasMessageContaining("Cannot find monitor 'nope'")
        .hasMessageContaining("flights");
  }
}
