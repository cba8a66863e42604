package lakeops.monitoring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small generated flights with drift injected into chosen days, fixed seeds. */
final class MonitorData {

  static final StructType FLIGHTS =
      new StructType()
          .add("flight_time", DataTypes.TimestampType)
          .add("origin", DataTypes.StringType)
          .add("delay_minutes", DataTypes.DoubleType)
          .add("distance_miles", DataTypes.DoubleType);

  /** Day 0 is 2026-01-01 UTC. */
  static final long DAY0 = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  /** What to inject in one day. */
  enum Drift {
    NONE,
    MEAN_SHIFT,
    MIX_CHANGE,
    NEW_CATEGORY,
    NULL_SURGE
  }

  private MonitorData() {}

  /** {@code rowsPerDay} flights in each day {@code days[i]} with drift {@code drifts[i]}. */
  static Dataset<Row> flights(
      SparkSession spark, long seed, int rowsPerDay, int[] days, Drift[] drifts) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    String[] origins = {"SEA", "SFO", "LAX", "JFK"};
    for (int d = 0; d < days.length; d++) {
      for (int i = 0; i < rowsPerDay; i++) {
        Timestamp t =
            new Timestamp(
                DAY0 + days[d] * 86_400_000L + (long) (random.nextDouble() * 86_400_000L));
        double u = random.nextDouble();
        String origin =
            switch (drifts[d]) {
              case MIX_CHANGE -> u < 0.7 ? "JFK" : origins[random.nextInt(3)];
              case NEW_CATEGORY -> u < 0.3 ? "ORD" : origins[random.nextInt(4)];
              default -> origins[random.nextInt(4)];
            };
        double delay = 10 + 5 * random.nextGaussian() + (drifts[d] == Drift.MEAN_SHIFT ? 8 : 0);
        Double distance =
            drifts[d] == Drift.NULL_SURGE && random.nextDouble() < 0.5
                ? null
                : 200 + 1500 * random.nextDouble();
        rows.add(RowFactory.create(t, origin, delay, distance));
      }
    }
    return spark.createDataFrame(rows, FLIGHTS);
  }

  /** Writes a monitor file into the home's {@code conf/monitors}. */
  static void writeMonitor(Path confDir, String name, String yaml) throws java.io.IOException {
    Path dir = confDir.resolve("monitors");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".yml"), yaml);
  }
}
