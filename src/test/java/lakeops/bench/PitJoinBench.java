package lakeops.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lakeops.bench.PitJoinData.Table;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.session.SessionFactory;
import lakeops.testing.TestHome;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench/pit-join}: times LakeOps' point-in-time join against the naive range join + window
 * plan, Spark's own {@code joinAsOf} and DuckDB's {@code ASOF JOIN} on the same generated data,
 * uniform and skewed, and checks that all results agree. Arguments: {@code --labels N} (default
 * 10,000,000; feature rows 3N), {@code --uniform-only}, {@code --timeout SECONDS} (per plan,
 * default 1800: a plan still running is cancelled and reported as a lower bound), {@code
 * --asof-timeout SECONDS} (the same for Spark's joinAsOf, default 300: its rewrite is a nested-loop
 * join), {@code --work DIR}, {@code --explain} (print the plans), {@code --reuse} (keep the data of
 * the previous run of the same size), {@code --repeat N} (run every plan N times in turn in the
 * same JVM and report each plan's fastest run, default 1: the first run of each plan pays its JVM
 * warm-up, and LakeOps runs first; a plan cancelled or failed in a round is not run again).
 */
public final class PitJoinBench {

  private long labels = 10_000_000L;
  private boolean skewed = true;
  private long timeoutSeconds = 1800;
  private long asOfTimeoutSeconds = 300;
  private Path workDir = Paths.get("target", "bench", "pit-join");
  private boolean explain;
  private boolean reuse;
  private int repeat = 1;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "pit-join-timeout");
            thread.setDaemon(true);
            return thread;
          });

  /** One timed plan: seconds, or a lower bound if it was cancelled, and its result's checksum. */
  record Timing(String plan, double seconds, boolean cancelled, Checksum checksum, String error) {
    String describe() {
      if (error != null) {
        return String.format(Locale.ROOT, "%-44s failed: %s", plan, error);
      }
      return String.format(
          Locale.ROOT,
          "%-44s %s%9.2f s   rows=%d",
          plan,
          cancelled ? ">" : " ",
          seconds,
          cancelled ? -1 : checksum.rows());
    }
  }

  public static void main(String[] args) throws Exception {
    PitJoinBench bench = new PitJoinBench();
    bench.parse(args);
    bench.run();
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--labels" -> labels = Long.parseLong(args[++i].replace("_", ""));
        case "--uniform-only" -> skewed = false;
        case "--timeout" -> timeoutSeconds = Long.parseLong(args[++i]);
        case "--asof-timeout" -> asOfTimeoutSeconds = Long.parseLong(args[++i]);
        case "--work" -> workDir = Paths.get(args[++i]);
        case "--explain" -> explain = true;
        case "--reuse" -> reuse = true;
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "Invalid argument: "
                    + args[i]
                    + " (usage: pit-join [--labels N] [--uniform-only] [--timeout SECONDS] [--asof-timeout SECONDS] [--work DIR] [--explain] [--reuse] [--repeat N])");
      }
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("Invalid --repeat: " + repeat + " (at least 1)");
    }
    if (labels < 1000) {
      throw new IllegalArgumentException("Invalid --labels: " + labels + " (at least 1000)");
    }
  }

  private void run() throws Exception {
    System.setProperty("spark.master", System.getProperty("spark.master", "local[2]"));
    Path home = TestHome.projectDir().resolve("target/test-home/bench-pit-join");
    Environments environments =
        Environments.load(
            reuse && Files.isDirectory(home)
                ? LakeOpsHome.at(home)
                : TestHome.create("bench-pit-join"));
    SparkSession spark = SessionFactory.create(environments, "dev");
    spark.sparkContext().setLogLevel("WARN");
    workDir = workDir.toAbsolutePath();
    System.out.printf(
        Locale.ROOT,
        "pit-join: %d label rows, %d feature rows in 3 tables (%s), Spark %s %s, "
            + "DuckDB 2 threads%n",
        labels,
        3 * labels,
        describeTables(),
        spark.version(),
        spark.sparkContext().master());
    System.out.println(
        "materialisation: every plan is timed to the end of one aggregate over every "
            + "output column (count(*), sums of the label columns, per table count/checksum of the matched "
            + "feature row ids and sum of the values); the same aggregate is the agreement check");
    double uniform = variant(spark, new PitJoinData(spark, labels, false, workDir));
    Double skew = skewed ? variant(spark, new PitJoinData(spark, labels, true, workDir)) : null;
    if (skew != null) {
      System.out.printf(
          Locale.ROOT, "skewed speedup vs naive: %s%.2f%n", skew < 0 ? ">" : "", Math.abs(skew));
    }
    System.out.printf(
        Locale.ROOT, "speedup vs naive: %s%.2f%n", uniform < 0 ? ">" : "", Math.abs(uniform));
    spark.stop();
  }

  private String describeTables() {
    List<String> parts = new ArrayList<>();
    for (Table table : PitJoinData.TABLES) {
      parts.add(
          String.format(
              Locale.ROOT,
              "%s_features: %d rows, %d %s keys, lookback %d d",
              table.prefix(),
              labels,
              table.cardinality(labels),
              table.prefix(),
              table.lookback().toDays()));
    }
    return String.join("; ", parts);
  }

  /** Runs one variant; returns naive / LakeOps, negative if naive was cancelled (a lower bound). */
  private double variant(SparkSession spark, PitJoinData data) throws Exception {
    System.out.printf(
        "== %s%s ==%n",
        data.variant(),
        data.variant().equals("skewed")
            ? String.format(
                Locale.ROOT,
                " (%d merchants hold %d%% of the labels and of the merchant rows)",
                PitJoinData.HOT_KEYS,
                PitJoinData.HOT_PERCENT)
            : " (keys uniform)");
    long start = System.nanoTime();
    if (reuse && spark.catalog().tableExists(data.featureTable(PitJoinData.TABLES.get(2)))) {
      System.out.println("data: reusing the tables and files of the previous run (--reuse)");
    } else {
      data.write();
      System.out.printf(
          Locale.ROOT,
          "data written in %.1f s (Parquet for DuckDB, LakeOps feature tables "
              + "in Delta for Spark)%n",
          (System.nanoTime() - start) / 1e9);
    }
    if (explain) {
      start = System.nanoTime();
      var set = PitJoinPlans.lakeOps(spark, data);
      System.out.printf(
          Locale.ROOT,
          "lakeops: createTrainingSet returned in %.2f s (metadata, label range)%n",
          (System.nanoTime() - start) / 1e9);
      set.explain();
      PitJoinPlans.naive(spark, data).explain();
      PitJoinPlans.sparkAsOf(spark, data).explain();
    }
    List<Timing> timings = null;
    double eagerOfBest = 0;
    for (int round = 1; round <= repeat; round++) {
      double[] eager = {0};
      List<Timing> times = new ArrayList<>();
      times.add(
          again(
              timings,
              0,
              () ->
                  spark(
                      spark,
                      "lakeops createTrainingSet (union + fill)",
                      timeoutSeconds,
                      () -> {
                        long begin = System.nanoTime();
                        var set = PitJoinPlans.lakeOps(spark, data);
                        eager[0] = (System.nanoTime() - begin) / 1e9;
                        return PitJoinPlans.checksum(set);
                      })));
      times.add(
          again(
              timings,
              1,
              () ->
                  spark(
                      spark,
                      "naive range join + row_number (Feast)",
                      timeoutSeconds,
                      () -> PitJoinPlans.checksum(PitJoinPlans.naive(spark, data)))));
      times.add(
          again(
              timings,
              2,
              () ->
                  spark(
                      spark,
                      "spark Dataset.joinAsOf",
                      asOfTimeoutSeconds,
                      () -> PitJoinPlans.checksum(PitJoinPlans.sparkAsOf(spark, data)))));
      try (DuckDbAsOf duck = new DuckDbAsOf(2, "6GB")) {
        times.add(
            again(
                timings,
                3,
                () ->
                    timed(
                        "duckdb ASOF LEFT JOIN (Parquet)",
                        () -> duck.run(data, timeoutSeconds, timer))));
      }
      if (repeat > 1) {
        System.out.printf(Locale.ROOT, "round %d of %d:%n", round, repeat);
        times.forEach(t -> System.out.println("  " + t.describe()));
      }
      if (timings == null || faster(times.get(0), timings.get(0))) {
        eagerOfBest = eager[0];
      }
      timings = best(timings, times);
    }
    if (repeat > 1) {
      System.out.printf(Locale.ROOT, "best of %d rounds:%n", repeat);
    }
    timings.forEach(t -> System.out.println(t.describe()));
    System.out.printf(
        Locale.ROOT,
        "  (lakeops: %.2f s of it in the createTrainingSet call itself: feature "
            + "table metadata and the label time range, before the join runs)%n",
        eagerOfBest);
    agreement(timings);
    Timing lakeOps = timings.get(0);
    Timing naive = timings.get(1);
    double ratio = naive.seconds() / lakeOps.seconds();
    return naive.cancelled() ? -ratio : ratio;
  }

  /**
   * The timing of plan {@code index} of the previous round if it was cancelled or failed, else a
   * new run.
   */
  private static Timing again(List<Timing> previous, int index, Callable<Timing> run)
      throws Exception {
    if (previous != null
        && (previous.get(index).cancelled() || previous.get(index).error() != null)) {
      return previous.get(index);
    }
    return run.call();
  }

  private static boolean faster(Timing timing, Timing than) {
    return timing.error() == null && !timing.cancelled() && timing.seconds() < than.seconds();
  }

  /** Per plan, the faster of two rounds' timings (a cancelled or failed one stays as it was). */
  private static List<Timing> best(List<Timing> previous, List<Timing> current) {
    if (previous == null) {
      return current;
    }
    List<Timing> best = new ArrayList<>();
    for (int i = 0; i < current.size(); i++) {
      best.add(faster(current.get(i), previous.get(i)) ? current.get(i) : previous.get(i));
    }
    return best;
  }

  private void agreement(List<Timing> timings) {
    Checksum reference = timings.get(0).checksum();
    List<String> agree = new ArrayList<>();
    List<String> differ = new ArrayList<>();
    for (Timing timing : timings.subList(1, timings.size())) {
      if (timing.checksum() == null) {
        continue;
      }
      (reference != null && reference.agrees(timing.checksum()) ? agree : differ)
          .add(
              timing.plan().split(" ")[0]
                  + (timing.plan().contains("joinAsOf") ? " joinAsOf" : ""));
    }
    System.out.println("results: lakeops " + reference);
    for (Timing timing : timings.subList(1, timings.size())) {
      if (timing.checksum() != null && !timing.checksum().agrees(reference)) {
        System.out.println("results: " + timing.plan() + " " + timing.checksum());
      }
    }
    System.out.println(
        "results agree with lakeops (rows, label sums, matched rows, matched-row checksums, "
            + "value sums): "
            + (differ.isEmpty() ? "yes" : "NO")
            + (agree.isEmpty() ? "" : ", agree: " + agree)
            + (differ.isEmpty() ? "" : ", differ: " + differ));
  }

  /** Times a Spark plan in its own job group, cancelled after the timeout. */
  private Timing spark(SparkSession spark, String plan, long timeout, Callable<Checksum> body) {
    SparkContext context = spark.sparkContext();
    String group = "pit-join-" + plan.split(" ")[0] + "-" + System.nanoTime();
    context.setJobGroup(group, plan, true);
    try {
      Timing timing = timed(plan, timeout, body, () -> context.cancelJobGroup(group));
      if (timing.cancelled() || timing.error() != null) {
        awaitIdle(context, plan);
      }
      return timing;
    } finally {
      context.clearJobGroup();
    }
  }

  /**
   * Waits until no task runs: a cancelled job's tasks are only asked to stop (interrupted), and one
   * that does not look (the nested-loop join of joinAsOf) runs on for seconds, taking the cores
   * from the next plan timed.
   */
  private static void awaitIdle(SparkContext context, String plan) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(600);
    while (running(context) > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    double waited = (System.nanoTime() - start) / 1e9;
    if (waited >= 1) {
      System.out.printf(
          Locale.ROOT,
          "  (waited %.1f s for the cancelled tasks of %s to stop)%n",
          waited,
          plan.split(" ")[0] + (plan.contains("joinAsOf") ? " joinAsOf" : ""));
    }
  }

  private static int running(SparkContext context) {
    int tasks = 0;
    for (var executor : context.statusTracker().getExecutorInfos()) {
      tasks += executor.numRunningTasks();
    }
    return tasks;
  }

  private Timing timed(String plan, Callable<Checksum> body) {
    return timed(plan, timeoutSeconds, body, () -> {});
  }

  private Timing timed(String plan, long timeout, Callable<Checksum> body, Runnable cancel) {
    boolean[] cancelled = {false};
    ScheduledFuture<?> deadline =
        timer.schedule(
            () -> {
              cancelled[0] = true;
              cancel.run();
            },
            timeout,
            TimeUnit.SECONDS);
    long start = System.nanoTime();
    try {
      Checksum checksum = body.call();
      deadline.cancel(false);
      return new Timing(plan, (System.nanoTime() - start) / 1e9, false, checksum, null);
    } catch (Exception e) {
      deadline.cancel(false);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (cancelled[0]) {
        return new Timing(plan, seconds, true, null, null);
      }
      return new Timing(
          plan,
          seconds,
          false,
          null,
          e.getClass().getSimpleName()
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }
}
