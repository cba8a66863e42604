package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lakeops.catalog.DeltaConflicts;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTableSpec;
import lakeops.features.WriteMode;
import lakeops.monitoring.MonitorData.Drift;
import lakeops.session.SessionFactory;
import lakeops.testing.SharedSpark;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two writers, each with its own session, write the same feature table (MERGE) and the same metric
 * tables (a monitor refresh) at the same moment: both land, the one that lost Delta's race having
 * retried on the new snapshot, with the conflict named in the log.
 */
class ConcurrentWritersTest extends SharedSpark {

  private static final int ROUNDS = 2;
  private static final Drift[] NONE = {Drift.NONE, Drift.NONE, Drift.NONE};
  private static final StringWriter LOG = new StringWriter();
  private static WriterAppender appender;

  @BeforeAll
  static void captureConflictLog() {
    spark();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender =
        WriterAppender.newBuilder()
            .setName("delta-conflicts")
            .setTarget(LOG)
            .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build())
            .build();
    appender.start();
    config.addAppender(appender);
    LoggerConfig logger = new LoggerConfig(DeltaConflicts.class.getName(), Level.WARN, true);
    logger.addAppender(appender, Level.WARN, null);
    config.addLogger(DeltaConflicts.class.getName(), logger);
    context.updateLoggers();
  }

  @AfterAll
  static void stopCapture() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().removeLogger(DeltaConflicts.class.getName());
    context.updateLoggers();
    appender.stop();
  }

  private static SparkSession session() {
    return SessionFactory.newSession(spark(), environments(), "dev");
  }

  /** Runs both writers at once (released together by a barrier) and waits for both. */
  private static void race(Callable<?> first, Callable<?> second) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Callable<?> writer : List.of(first, second)) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  return writer.call();
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static int conflictsLogged() {
    return (int) LOG.toString().lines().filter(l -> l.contains("lost a race")).count();
  }

  @Test
  void bothMergesIntoOneFeatureTableLand() throws Exception {
    SparkSession a = session();
    SparkSession b = session();
    sql("CREATE SCHEMA IF NOT EXISTS dev.race");
    FeatureStore.of(spark())
        .createTable(
            FeatureTableSpec.builder("dev.race.user_stats")
                .primaryKeys("user_id")
                .timestampKey("ts")
                .build(),
            spark()
                .sql("SELECT 0L AS user_id, TIMESTAMP'2026-01-01 00:00:00' AS ts, 0.0D AS score")
                .schema());
    int before = conflictsLogged();
    for (int round = 0; round < ROUNDS; round++) {
      String rows =
          "SELECT id AS user_id, TIMESTAMP'2026-01-01 00:00:00' + make_interval(0, 0, 0, %d) AS ts,"
              + " rand(%d) AS score FROM range(%d, %d)";
      int r = round;
      race(
          () ->
              FeatureStore.of(a)
                  .writeTable(
                      "dev.race.user_stats",
                      a.sql(String.format(rows, r, 1, 0, 500)),
                      WriteMode.MERGE),
          () ->
              FeatureStore.of(b)
                  .writeTable(
                      "dev.race.user_stats",
                      b.sql(String.format(rows, r, 2, 500, 1000)),
                      WriteMode.MERGE));
    }
    assertThat(sql("SELECT count(*), count(DISTINCT user_id, ts) FROM dev.race.user_stats").first())
        .satisfies(
            row -> {
              assertThat(row.getLong(0)).isEqualTo(1000L * ROUNDS);
              assertThat(row.getLong(1)).isEqualTo(1000L * ROUNDS);
            });
    assertThat(conflictsLogged() - before)
        .as("the writers really raced: a MERGE lost and was retried (log: %s)", LOG)
        .isPositive();
    assertThat(LOG.toString()).contains("MERGE into feature table dev.race.user_stats");
  }

  @Test
  void twoRefreshesOfOneMonitorLeaveEveryWindowOnce() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.race_days");
    MonitorData.writeMonitor(
        home().confDir(),
        "race_days",
        """
        name: race_days
        table: scratch.race_days
        profile_type: time_series
        timestamp_col: flight_time
        granularities: ["1 day"]
        slicing_exprs: ["origin"]
        """);
    MonitorData.flights(spark(), 3, 200, new int[] {0, 1, 2}, NONE)
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.race_days");
    java.nio.file.Path monitors = home().confDir().resolve("monitors");
    Monitors.of(spark(), "dev", monitors).refresh("race_days");
    int before = conflictsLogged();
    for (int round = 0; round < ROUNDS; round++) {
      // New rows in every day: both refreshes recompute all three windows and replace them.
      MonitorData.flights(spark(), 10 + round, 50, new int[] {0, 1, 2}, NONE)
          .write()
          .format("delta")
          .mode("append")
          .saveAsTable("dev.scratch.race_days");
      SparkSession a = session();
      SparkSession b = session();
      race(
          () -> Monitors.of(a, "dev", monitors).refresh("race_days"),
          () -> Monitors.of(b, "dev", monitors).refresh("race_days"));
    }
    String key = "granularity, window.start, column_name, slice_key, slice_value, log_type";
    assertThat(
            sql(
                    "SELECT count(*) FROM (SELECT %s, count(*) AS n FROM"
                        + " dev.monitoring.race_days_profile_metrics GROUP BY ALL) WHERE n > 1",
                    key)
                .first()
                .getLong(0))
        .as("no window doubled")
        .isZero();
    assertThat(
            sql("SELECT count(DISTINCT window.start) FROM dev.monitoring.race_days_profile_metrics"
                    + " WHERE log_type = 'INPUT'")
                .first()
                .getLong(0))
        .as("no window missing")
        .isEqualTo(3);
    assertThat(
            sql("SELECT sum(count) FROM dev.monitoring.race_days_profile_metrics WHERE"
                    + " log_type = 'INPUT' AND slice_key IS NULL AND column_name = ':table'")
                .first()
                .get(0))
        .as("the windows profile the table's last version")
        .isEqualTo(sql("SELECT count(*) FROM dev.scratch.race_days").first().get(0));
    assertThat(conflictsLogged() - before)
        .as("the refreshes really raced (log: %s)", LOG)
        .isPositive();
  }
}
