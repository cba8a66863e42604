package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import lakeops.exceptions.InvalidConfigException;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.RuntimeConfig;
import org.junit.jupiter.api.Test;

/**
 * Monitoring settings are read under their {@code spark.lakeops.monitoring.} keys, still under the
 * deprecated keys without {@code spark.}, and refused in a fixed form when they do not parse.
 */
class MonitorSettingsTest extends SharedSpark {

  private static final String OLD_SIZE = "lakeops.monitoring.numericSketchSize";

  @Test
  void defaultsWhenUnset() {
    MonitorSettings settings = MonitorSettings.of(spark().conf());
    assertThat(settings)
        .isEqualTo(
            new MonitorSettings(
                MonitorProperties.NUMERIC_SKETCH_SIZE_DEFAULT,
                MonitorProperties.NUMERIC_SKETCH_ACCURACY_DEFAULT,
                MonitorProperties.CATEGORY_LIMIT_DEFAULT,
                MonitorProperties.COLUMNAR_SCAN_DEFAULT));
  }

  @Test
  void deprecatedKeyIsReadUntilTheNewOneIsSet() {
    RuntimeConfig conf = spark().conf();
    assertThat(MonitorSettings.deprecatedKey(MonitorProperties.NUMERIC_SKETCH_SIZE))
        .isEqualTo(OLD_SIZE);
    try {
      conf.set(OLD_SIZE, "128");
      conf.set("lakeops.monitoring.columnarScan", "false");
      assertThat(MonitorSettings.of(conf).sketchSize()).isEqualTo(128);
      assertThat(MonitorSettings.of(conf).columnarScan()).isFalse();
      conf.set(MonitorProperties.NUMERIC_SKETCH_SIZE, "256");
      assertThat(MonitorSettings.of(conf).sketchSize()).as("the new key wins").isEqualTo(256);
    } finally {
      conf.unset(OLD_SIZE);
      conf.unset("lakeops.monitoring.columnarScan");
      conf.unset(MonitorProperties.NUMERIC_SKETCH_SIZE);
    }
  }

  @Test
  void unparsableSettingIsRefused() {
    RuntimeConfig conf = spark().conf();
    try {
      conf.set(MonitorProperties.CATEGORY_LIMIT, "many");
      assertThatThrownBy(() -> MonitorSettings.of(conf))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessage(
              "Invalid Spark conf spark.lakeops.monitoring.categoryLimit: expected an integer, got 'many'");
    } finally {
      conf.unset(MonitorProperties.CATEGORY_LIMIT);
    }
  }
}
