package lakeops.monitoring;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.RuntimeConfig;

/**
 * The monitoring settings of a Spark session's conf ({@link MonitorProperties}). Each is read under
 * its {@code spark.lakeops.monitoring.} key, else under its deprecated key without {@code spark.}
 * (warned about once per key and JVM), else it is the default.
 *
 * @param sketchSize {@link MonitorProperties#NUMERIC_SKETCH_SIZE}
 * @param sketchAccuracy {@link MonitorProperties#NUMERIC_SKETCH_ACCURACY}
 * @param categoryLimit {@link MonitorProperties#CATEGORY_LIMIT}
 * @param columnarScan {@link MonitorProperties#COLUMNAR_SCAN}
 */
record MonitorSettings(
    int sketchSize, double sketchAccuracy, int categoryLimit, boolean columnarScan) {

  private static final Logger LOG = LogManager.getLogger(MonitorSettings.class);
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  /** The settings of {@code conf}. */
  static MonitorSettings of(RuntimeConfig conf) {
    return new MonitorSettings(
        read(
            conf,
            MonitorProperties.NUMERIC_SKETCH_SIZE,
            MonitorProperties.NUMERIC_SKETCH_SIZE_DEFAULT,
            Integer::valueOf,
            "an integer"),
        read(
            conf,
            MonitorProperties.NUMERIC_SKETCH_ACCURACY,
            MonitorProperties.NUMERIC_SKETCH_ACCURACY_DEFAULT,
            Double::valueOf,
            "a number"),
        read(
            conf,
            MonitorProperties.CATEGORY_LIMIT,
            MonitorProperties.CATEGORY_LIMIT_DEFAULT,
            Integer::valueOf,
            "an integer"),
        read(
            conf,
            MonitorProperties.COLUMNAR_SCAN,
            MonitorProperties.COLUMNAR_SCAN_DEFAULT,
            Boolean::valueOf,
            "true or false"));
  }

  private static <T> T read(
      RuntimeConfig conf, String key, T defaultValue, Function<String, T> parse, String expected) {
    String deprecated = deprecatedKey(key);
    String used = conf.contains(key) ? key : conf.contains(deprecated) ? deprecated : null;
    if (conf.contains(deprecated) && WARNED.add(deprecated)) {
      LOG.warn(MonitoringErrors.deprecatedKey(deprecated, key, used.equals(key)));
    }
    if (used == null) {
      return defaultValue;
    }
    String text = conf.get(used);
    try {
      return parse.apply(text);
    } catch (
        NumberFormatException
            e) { // Integer.valueOf and Double.valueOf; Boolean.valueOf never throws
      throw MonitoringErrors.invalidSetting(used, text, expected, e);
    }
  }

  /** The name {@code key} had before {@link MonitorProperties#CONF_PREFIX}. */
  static String deprecatedKey(String key) {
    return MonitorProperties.DEPRECATED_CONF_PREFIX
        + key.substring(MonitorProperties.CONF_PREFIX.length());
  }
}
