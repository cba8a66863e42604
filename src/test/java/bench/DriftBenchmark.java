package bench;

import static org.apache.spark.sql.functions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lakeops.monitoring.Monitors;
import lakeops.monitoring.RefreshResult;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The drift benchmark behind {@code bench/drift/run}: 10 numeric and 10 categorical columns over
 * seven days, drift injected into days 5 and 6 (mean shift, scale change, category mix, new
 * category, null surge). Times LakeOps' profile+drift refresh (daily windows, baseline = day 0,
 * consecutive drift), one plain Spark scan of the 20 columns, and Evidently's data-drift report
 * (day 0 vs the rest).
 */
public final class DriftBenchmark {

  private static final int NUMERIC = 10;
  private static final int CATEGORICAL = 10;
  private static final long DAY0 = 1_767_225_600L;

  private DriftBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = 10_000_000L;
    Path work = Path.of("target/bench-drift");
    String python = "python3";
    String script = "bench/drift/evidently_drift.py";
    boolean evidently = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
        case "--work" -> work = Path.of(args[++i]);
        case "--python" -> python = args[++i];
        case "--evidently-script" -> script = args[++i];
        case "--skip-evidently" -> evidently = false;
        default ->
            throw new IllegalArgumentException(
                "Invalid argument: " + args[i] + " (expected --rows N, --skip-evidently)");
      }
    }
    SparkSession spark = SessionFactory.create("dev");
    spark.sparkContext().setLogLevel("WARN");
    String table = "dev.bench.drift_rows";
    spark.sql("CREATE SCHEMA IF NOT EXISTS dev.bench");
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql("DROP TABLE IF EXISTS dev.monitoring.bench_drift_profile_metrics");
    spark.sql("DROP TABLE IF EXISTS dev.monitoring.bench_drift_drift_metrics");
    Dataset<Row> data = generate(spark, rows);
    long start = System.nanoTime();
    data.where("day = 0").drop("day").write().format("delta").saveAsTable(table);
    data.where("day > 0").drop("day").write().format("delta").mode("append").saveAsTable(table);
    System.out.printf(
        "generated %,d rows x %d columns in %.1f s%n", rows, NUMERIC + CATEGORICAL, seconds(start));

    List<Column> columns = new ArrayList<>();
    for (String c : columnNames()) {
      columns.add(count(col(c)));
    }
    Column[] rest = columns.subList(1, columns.size()).toArray(new Column[0]);
    // A first scan warms the JVM and Delta's snapshot cache, so neither side pays for them.
    spark.table(table).agg(columns.get(0), rest).collectAsList();
    start = System.nanoTime();
    spark.table(table).agg(columns.get(0), rest).collectAsList();
    double scan = seconds(start);
    System.out.printf("plain Spark scan of the 20 columns: %.2f s%n", scan);

    // Likewise a first refresh of a small table of its own warms LakeOps' code (JIT, Spark
    // codegen).
    String warmup = "dev.bench.drift_warmup";
    spark.sql("DROP TABLE IF EXISTS " + warmup);
    spark.sql("DROP TABLE IF EXISTS dev.monitoring.bench_warmup_profile_metrics");
    spark.sql("DROP TABLE IF EXISTS dev.monitoring.bench_warmup_drift_metrics");
    long warmupRows = Math.min(rows, 1_000_000L);
    generate(spark, warmupRows).drop("day").write().format("delta").saveAsTable(warmup);
    Monitors monitors = Monitors.of(spark, "dev", writeSpec(work, "bench_warmup", warmup));
    writeSpec(work, "bench_drift", table);
    start = System.nanoTime();
    monitors.refresh("bench_warmup");
    System.out.printf(
        "LakeOps warm-up refresh (%,d rows, cold JVM code): %.2f s%n", warmupRows, seconds(start));

    start = System.nanoTime();
    RefreshResult result = monitors.refresh("bench_drift");
    double lakeops = seconds(start);
    System.out.printf("LakeOps profile+drift: %.2f s (%s)%n", lakeops, result);
    spark
        .sql(
            "SELECT column_name, round(max(js_distance), 3) AS js, round(max(tv_distance), 3) AS tv, "
                + "round(max(percent_null_delta), 1) AS null_delta FROM dev.monitoring.bench_drift_drift_metrics "
                + "WHERE drift_type = 'BASELINE' AND window.start >= timestamp_seconds("
                + (DAY0 + 5 * 86400)
                + ") GROUP BY 1 ORDER BY 1")
        .show(20, false);

    double evidentlySeconds = Double.NaN;
    if (evidently) {
      Path reference = work.resolve("reference");
      Path current = work.resolve("current");
      spark
          .sql("SELECT * FROM " + table + " VERSION AS OF 0")
          .drop("ts")
          .write()
          .mode("overwrite")
          .parquet(reference.toString());
      spark
          .table(table)
          .where("ts >= timestamp_seconds(" + (DAY0 + 86400) + ")")
          .drop("ts")
          .write()
          .mode("overwrite")
          .parquet(current.toString());
      spark.stop();
      evidentlySeconds = runEvidently(python, script, reference, current);
    }
    System.out.printf("LakeOps profile+drift seconds: %.2f%n", lakeops);
    System.out.printf("plain scan seconds: %.2f%n", scan);
    System.out.printf(
        "evidently seconds: %s%n",
        Double.isNaN(evidentlySeconds) ? "n/a" : String.format("%.2f", evidentlySeconds));
    System.out.printf("drift vs scan: %.2f%n", lakeops / scan);
    System.out.printf(
        "speedup vs evidently: %s%n",
        Double.isNaN(evidentlySeconds) ? "n/a" : String.format("%.2f", evidentlySeconds / lakeops));
  }

  /**
   * Writes monitor {@code name} of {@code table} (daily windows on {@code ts}, baseline = version
   * 0) to {@code <work>/monitors/}, and returns that folder.
   */
  private static Path writeSpec(Path work, String name, String table) throws IOException {
    Path dir = Files.createDirectories(work.resolve("monitors"));
    String spec =
        String.join(
            "\n",
            "name: " + name,
            "table: " + table,
            "profile_type: time_series",
            "timestamp_col: ts",
            "granularities: [\"1 day\"]",
            "columns: [" + String.join(", ", columnNames()) + "]",
            "baseline:",
            "  version: 0",
            "");
    Files.writeString(dir.resolve(name + ".yml"), spec, StandardCharsets.UTF_8);
    return dir;
  }

  private static double runEvidently(String python, String script, Path reference, Path current)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(python, script, reference.toString(), current.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    System.out.print(
        out.lines()
            .filter(l -> l.startsWith("evidently") || l.contains("Error"))
            .map(l -> l + System.lineSeparator())
            .reduce("", String::concat));
    if (exit != 0) {
      System.out.printf(
          "Evidently failed (exit %d%s)%n",
          exit, exit == 137 || out.contains("MemoryError") ? ", out of memory" : "");
      Files.writeString(reference.getParent().resolve("evidently.log"), out);
      return Double.NaN;
    }
    return out.lines()
        .filter(l -> l.startsWith("evidently seconds: "))
        .findFirst()
        .map(l -> Double.parseDouble(l.substring("evidently seconds: ".length())))
        .orElse(Double.NaN);
  }

  private static List<String> columnNames() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < NUMERIC; i++) {
      names.add("x" + i);
    }
    for (int i = 0; i < CATEGORICAL; i++) {
      names.add("k" + i);
    }
    return names;
  }

  /**
   * Seven days of rows; drift in days 5 and 6 of x0 (mean), x1 (scale), x2 (nulls), k0 (mix), k1
   * (new).
   */
  static Dataset<Row> generate(SparkSession spark, long rows) {
    Dataset<Row> base =
        spark
            .range(rows)
            .withColumn("day", col("id").mod(7))
            .withColumn(
                "ts",
                timestamp_seconds(
                    lit(DAY0).plus(col("day").multiply(86400)).plus(col("id").mod(86400))));
    Column drifted = col("day").geq(5);
    List<Column> select = new ArrayList<>(List.of(col("day"), col("ts")));
    for (int i = 0; i < NUMERIC; i++) {
      Column x = randn(100 + i).multiply(10).plus(50);
      if (i == 0) {
        x = x.plus(when(drifted, 5).otherwise(0));
      } else if (i == 1) {
        x = when(drifted, x.multiply(1.5).minus(25)).otherwise(x);
      } else if (i == 2) {
        x = when(drifted.and(rand(7).lt(0.3)), lit(null)).otherwise(x);
      }
      select.add(x.as("x" + i));
    }
    for (int i = 0; i < CATEGORICAL; i++) {
      Column u = rand(200 + i);
      Column k = concat(lit("c"), floor(u.multiply(8)).cast("string"));
      if (i == 0) {
        k = when(drifted.and(u.lt(0.5)), lit("c7")).otherwise(k);
      } else if (i == 1) {
        k = when(drifted.and(u.lt(0.2)), lit("new")).otherwise(k);
      }
      select.add(k.as("k" + i));
    }
    return base.select(select.toArray(new Column[0]));
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
