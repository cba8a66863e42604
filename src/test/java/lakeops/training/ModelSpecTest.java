package lakeops.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lakeops.config.YamlConfig;
import lakeops.exceptions.InvalidConfigException;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model specs read from files and built in code: checked alike, and written back as the same file.
 */
class ModelSpecTest {

  private static final Path FLIGHT_DELAY =
      TestHome.projectDir().resolve("conf/models/flight_delay.yml");

  @Test
  void aSpecWrittenAsYamlReadsBackEqual(@TempDir Path dir) throws Exception {
    ModelSpec spec = ModelSpec.load(FLIGHT_DELAY);
    Path copy = Files.writeString(dir.resolve("flight_delay.yml"), YamlConfig.toYaml(spec));
    assertThat(ModelSpec.load(copy)).isEqualTo(spec);
  }

  @Test
  void aSpecBuiltInCodeIsCheckedAsAFileIs() {
    ModelSpec spec = ModelSpec.load(FLIGHT_DELAY);
    ModelSpec noLabels =
        new ModelSpec(
            spec.name(),
            spec.description(),
            spec.task(),
            null,
            spec.features(),
            spec.split(),
            spec.pipeline(),
            spec.tuning(),
            spec.metrics());
    assertThatThrownBy(() -> ModelSpecLoader.check(noLabels))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Invalid model spec flight_delay: key 'labels' is missing (table, label, timestamp, "
                + "columns)");
    ModelSpec badMetric =
        new ModelSpec(
            spec.name(),
            spec.description(),
            spec.task(),
            spec.labels(),
            spec.features(),
            spec.split(),
            spec.pipeline(),
            spec.tuning(),
            List.of("rmse"));
    assertThatThrownBy(() -> ModelSpecLoader.check(badMetric))
        .hasMessageStartingWith(
            "Invalid model spec flight_delay: key 'metrics' has 'rmse', which is "
                + "not a classification metric");
  }
}
