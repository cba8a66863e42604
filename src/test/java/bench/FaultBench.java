package bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.features.ComputedFeatureTable;
import lakeops.features.FeatureStore;
import lakeops.mlflow.MlflowProperties;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.MlflowServer;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.mlflow.RegisteredModel;
import lakeops.mlflow.RetryPolicy;
import lakeops.sample.FlightsGenerator;
import lakeops.session.SessionFactory;
import lakeops.testing.CliProcess;
import lakeops.testing.TestHome;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The fault-injection run behind {@code bench/faults/run}: a small lake built step by step (bronze,
 * silver, gold, features, training, deploy promote, batch inference, labels, serving with its
 * inference log, monitor and alerts) by {@code bin/lakeops} processes, each step's process killed
 * (SIGKILL) after a delay drawn from a seeded RNG within the step's measured duration, then run
 * again to the end; after every re-run the invariants are checked: every source row once, Delta
 * tables readable at a committed version, metric windows neither missing nor doubled, alerts not
 * doubled, at most one registered version per training run, every alias on a version whose model
 * downloads whole, no request logged twice or unanswered and every request answered before a
 * SIGTERM logged. A serving step is killed after serving for the delay, and its re-run serves
 * {@value #SERVED_REQUESTS} requests then gets SIGTERM. Rounds (new landing files, then every step)
 * go on until {@code --seconds} are spent.
 */
public final class FaultBench {

  /**
   * One step of the pipeline: the command that runs it and what must hold after it; a serving step
   * runs until stopped, taking requests.
   */
  private record Step(String name, List<String> args, Check check, boolean serves) {
    Step(String name, List<String> args, Check check) {
      this(name, args, check, false);
    }
  }

  @FunctionalInterface
  private interface Check {
    List<String> violations() throws Exception;
  }

  private static final class Tally {
    int kills;
    int reruns;
    int violations;
    double seconds = 30;
  }

  private static final String INFERENCE_LOG = "dev.ml.inference_log";
  private static final int SERVED_REQUESTS = 100;
  private static final Pattern SERVING =
      Pattern.compile("Serving models:/\\S+ \\(version \\d+\\) on (http://127\\.0\\.0\\.1:\\d+)");

  private final LakeOpsHome home;
  private final SparkSession spark;
  private final Map<String, String> childEnv;
  private final ModelRegistry registry;
  private final Path landing;
  private final Random random;
  private final Map<String, Long> landed = new LinkedHashMap<>();
  private int trainings;
  private long predictions;
  private final Set<String> answered = new HashSet<>();
  private final Set<String> answeredToTheEnd = new HashSet<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private FaultBench(
      LakeOpsHome home,
      SparkSession spark,
      Map<String, String> childEnv,
      ModelRegistry registry,
      long seed) {
    this.home = home;
    this.spark = spark;
    this.childEnv = childEnv;
    this.registry = registry;
    this.landing = home.lakehouseDir().resolve("landing/flights");
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws Exception {
    long seconds = 600;
    long seed = 1;
    int rowsPerFile = 400;
    int port = 5207;
    List<String> only = List.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Long.parseLong(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--rows-per-file" -> rowsPerFile = Integer.parseInt(args[++i]);
        case "--mlflow-port" -> port = Integer.parseInt(args[++i]);
        case "--steps" -> only = List.of(args[++i].split(","));
        default ->
            throw new IllegalArgumentException(
                "Unknown option "
                    + args[i]
                    + " (--seconds N, --seed S, --rows-per-file N,"
                    + " --mlflow-port P, --steps NAME,NAME)");
      }
    }
    LakeOpsHome home = TestHome.create("bench-faults");
    writeBenchModel(home);
    Path mlflowDir = home.lakehouseDir().resolve("mlflow");
    MlflowServer server = MlflowServer.of(home, port, mlflowDir);
    server.stop();
    String url = server.start();
    System.setProperty("spark.master", "local[1]");
    System.setProperty("spark.sql.shuffle.partitions", "2");
    System.setProperty("spark.ui.enabled", "false");
    SparkSession spark = SessionFactory.create(Environments.load(home), "dev");
    Map<String, String> env =
        Map.of(
            MlflowProperties.PORT_ENV, Integer.toString(port),
            MlflowProperties.DIR_ENV, mlflowDir.toString());
    ModelRegistry registry =
        new ModelRegistry(MlflowRest.of(url, RetryPolicy.of(java.time.Duration.ofSeconds(30))));
    try {
      new FaultBench(home, spark, env, registry, seed).run(seconds, rowsPerFile, seed, only);
    } finally {
      server.stop();
    }
    System.exit(0);
  }

  private void run(long seconds, int rowsPerFile, long seed, List<String> only) throws Exception {
    List<Step> steps =
        steps().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
    if (steps.isEmpty()) {
      throw new IllegalArgumentException(
          "No step named " + only + "; steps: " + steps().stream().map(Step::name).toList());
    }
    Map<String, Tally> tallies = new LinkedHashMap<>();
    steps.forEach(s -> tallies.put(s.name(), new Tally()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int round = 0;
    outer:
    while (System.nanoTime() < deadline) {
      for (int file = 0; file < 2; file++) {
        land(rowsPerFile, seed * 1000 + round * 10 + file);
      }
      for (Step step : steps) {
        if (System.nanoTime() >= deadline) {
          break outer;
        }
        Tally tally = tallies.get(step.name());
        double delay = (0.2 + 0.8 * random.nextDouble()) * tally.seconds;
        boolean killed = step.serves() ? serveAndKill(step, delay) : runAndKill(step, delay);
        if (killed) {
          tally.kills++;
        }
        long started = System.nanoTime();
        CliProcess.Result rerun =
            step.serves()
                ? serveAndStop(step)
                : CliProcess.run(home, childEnv, step.args().toArray(String[]::new));
        tally.reruns++;
        tally.seconds = (System.nanoTime() - started) / 1e9;
        List<String> violations = new ArrayList<>();
        if (rerun.exitCode() != 0) {
          violations.add("re-run exited " + rerun.exitCode() + ": " + errorLine(rerun.stderr()));
        } else {
          try {
            violations.addAll(step.check().violations());
          } catch (Exception e) {
            violations.add("check failed: " + e.getMessage().lines().findFirst().orElse(""));
          }
        }
        tally.violations += violations.size();
        System.err.printf(
            "round %d %s: killed=%s at %.1f s, re-run %.1f s, violations %s%n",
            round, step.name(), killed, delay, tally.seconds, violations);
      }
      round++;
    }
    int total = 0;
    for (Map.Entry<String, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      total += t.violations;
      System.out.printf(
          "%s kills=%d reruns=%d violations=%d%n", e.getKey(), t.kills, t.reruns, t.violations);
    }
    System.out.printf("rounds: %d%n", round);
    System.out.printf("fault violations: %d%n", total);
  }

  /** Starts the step, kills it with SIGKILL after {@code delay} s; false if it ended before. */
  private boolean runAndKill(Step step, double delay) throws Exception {
    Path out = Files.createTempFile("lakeops-fault", ".out");
    Path err = Files.createTempFile("lakeops-fault", ".err");
    Process child = CliProcess.start(home, childEnv, out, err, step.args().toArray(String[]::new));
    if (child.waitFor((long) (delay * 1000), TimeUnit.MILLISECONDS)) {
      return false;
    }
    // bin/lakeops execs the JVM: this is the JVM's pid. destroyForcibly is SIGKILL on Unix.
    child.destroyForcibly();
    child.waitFor(60, TimeUnit.SECONDS);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return true;
  }

  /**
   * Starts the server, sends one-row requests (each with its own request id) until SIGKILLed after
   * {@code delay} s of serving; false if it exited before.
   */
  private boolean serveAndKill(Step step, double delay) throws Exception {
    Path out = Files.createTempFile("lakeops-fault", ".out");
    Path err = Files.createTempFile("lakeops-fault", ".err");
    Process child = CliProcess.start(home, childEnv, out, err, step.args().toArray(String[]::new));
    try {
      String url = awaitServing(child, out);
      if (url == null) {
        return false;
      }
      long killAt = System.nanoTime() + (long) (delay * 1e9);
      sendUntil(url, () -> System.nanoTime() >= killAt || !child.isAlive(), answered);
      if (!child.isAlive()) {
        return false;
      }
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
      return true;
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Starts the server, sends {@value #SERVED_REQUESTS} requests, stops it with SIGTERM (which
   * appends every queued row) and returns how it exited (143, SIGTERM's, taken as success).
   */
  private CliProcess.Result serveAndStop(Step step) throws Exception {
    Path out = Files.createTempFile("lakeops-fault", ".out");
    Path err = Files.createTempFile("lakeops-fault", ".err");
    Process child = CliProcess.start(home, childEnv, out, err, step.args().toArray(String[]::new));
    try {
      String url = awaitServing(child, out);
      if (url != null) {
        Set<String> sent = new HashSet<>();
        int[] left = {SERVED_REQUESTS};
        sendUntil(url, () -> left[0]-- <= 0 || !child.isAlive(), sent);
        answered.addAll(sent);
        answeredToTheEnd.addAll(sent);
      }
      child.destroy();
      boolean ended = child.waitFor(180, TimeUnit.SECONDS);
      int exit = !ended ? -1 : child.exitValue() == 143 ? 0 : child.exitValue();
      return new CliProcess.Result(exit, Files.readString(out), Files.readString(err));
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The server's URL once it prints it, or null when it exits first. */
  private static String awaitServing(Process child, Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline && child.isAlive()) {
      Matcher started = SERVING.matcher(Files.readString(out));
      if (started.find()) {
        return started.group(1);
      }
      Thread.sleep(200);
    }
    return null;
  }

  /**
   * Posts one-row requests of gold flights until {@code stop}; ids of the 200s go to {@code ok}.
   */
  private void sendUntil(String url, java.util.function.BooleanSupplier stop, Set<String> ok) {
    List<Row> rows =
        spark
            .sql(
                "SELECT CAST(flight_time AS STRING), origin, destination, distance_miles FROM"
                    + " dev.gold.flights LIMIT 200")
            .collectAsList();
    int i = 0;
    while (!stop.getAsBoolean()) {
      Row row = rows.get(i++ % rows.size());
      String id = "fault-" + java.util.UUID.randomUUID();
      String body =
          String.format(
              "{\"dataframe_records\": [{\"flight_time\": \"%s\", \"origin\": \"%s\","
                  + " \"destination\": \"%s\", \"distance_miles\": %s}]}",
              row.get(0), row.get(1), row.get(2), row.get(3));
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url + "/invocations"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .header("X-Request-Id", id)
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      try {
        if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          ok.add(id);
        }
      } catch (IOException e) {
        return; // the server is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The inference log: readable; no request logged twice or unanswered; every request of a server
   * stopped with SIGTERM logged (a SIGKILLed server may lose the rows it had not appended yet).
   */
  private List<String> checkInferenceLog() {
    List<String> v = new ArrayList<>();
    readable(INFERENCE_LOG, v);
    Map<String, Long> logged = new HashMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT request_id, count(*) FROM "
                    + INFERENCE_LOG
                    + " WHERE request_id LIKE 'fault-%' GROUP BY 1")
            .collectAsList()) {
      logged.put(r.getString(0), r.getLong(1));
    }
    long doubled = logged.values().stream().filter(n -> n > 1).count();
    if (doubled > 0) {
      v.add(doubled + " requests logged more than once");
    }
    long unanswered = logged.keySet().stream().filter(id -> !answered.contains(id)).count();
    if (unanswered > 0) {
      v.add(unanswered + " logged requests were never answered");
    }
    long lost = answeredToTheEnd.stream().filter(id -> !logged.containsKey(id)).count();
    if (lost > 0) {
      v.add(lost + " requests answered before a SIGTERM are missing from the log");
    }
    return v;
  }

  private void land(int rows, long seed) {
    String before = listing();
    FlightsGenerator.flights(rows).seed(seed).write(spark, landing.toString(), "parquet", 1);
    for (String file : listing().split("\n")) {
      if (!file.isEmpty() && !before.contains(file)) {
        landed.put(file, (long) rows);
      }
    }
  }

  private String listing() {
    try (var files = Files.list(landing)) {
      return String.join(
          "\n",
          files
              .map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".parquet") && !name.startsWith("."))
              .sorted()
              .toList());
    } catch (IOException e) {
      return "";
    }
  }

  private List<Step> steps() {
    return List.of(
        new Step(
            "bronze",
            List.of(
                "ingest",
                "--env",
                "dev",
                "--source",
                landing.toString(),
                "--table",
                "dev.bronze.flights",
                "--max-files-per-batch",
                "1"),
            this::checkBronze),
        new Step("silver", List.of("silver", "--env", "dev"), this::checkSilver),
        new Step("gold", List.of("gold", "--env", "dev"), this::checkGold),
        new Step("features", List.of("features", "compute", "--env", "dev"), this::checkFeatures),
        new Step(
            "train",
            List.of("train", "--env", "dev", "--model", "conf/models/bench_delay.yml"),
            this::checkRegistry),
        new Step(
            "deploy",
            List.of("deploy", "promote", "--env", "dev", "--model", "bench_delay"),
            this::checkDeploy),
        new Step(
            "predict",
            List.of(
                "predict",
                "--env",
                "dev",
                "--model",
                "bench_delay@champion",
                "--input",
                "gold.flights"),
            this::checkPredictions),
        new Step(
            "labels",
            List.of("labels", "--env", "dev", "--model", "bench_delay"),
            this::checkLabels),
        new Step(
            "serve",
            List.of("serve", "--env", "dev", "--model", "bench_delay@champion", "--port", "0"),
            this::checkInferenceLog,
            true),
        new Step(
            "monitor+alerts",
            List.of("monitor", "run", "--env", "dev", "--monitor", "flights"),
            this::checkMonitor));
  }

  private long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  /** Readable at its latest version, which has a commit (DESCRIBE HISTORY reads the log). */
  private void readable(String table, List<String> violations) {
    try {
      spark.sql("DESCRIBE HISTORY " + table + " LIMIT 1").first();
      spark.table(table).count();
    } catch (Exception e) { // AnalysisException is checked
      violations.add(table + " unreadable: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private List<String> checkBronze() {
    List<String> v = new ArrayList<>();
    readable("dev.bronze.flights", v);
    Map<String, Long> perFile = new HashMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT regexp_extract(_source_file, '[^/]+$', 0), count(*) FROM dev.bronze.flights"
                    + " GROUP BY 1")
            .collectAsList()) {
      perFile.put(r.getString(0), r.getLong(1));
    }
    landed.forEach(
        (file, rows) -> {
          long got = perFile.getOrDefault(file, 0L);
          if (got != rows) {
            v.add("bronze has " + got + " rows of " + file + ", expected " + rows);
          }
        });
    if (perFile.size() != landed.size()) {
      v.add("bronze has rows of " + perFile.size() + " files, landed " + landed.size());
    }
    return v;
  }

  private List<String> checkSilver() {
    List<String> v = new ArrayList<>();
    readable("dev.silver.flights", v);
    long bronze = count("SELECT count(*) FROM dev.bronze.flights");
    long quarantined =
        spark.catalog().tableExists("dev.silver.flights_quarantine")
            ? count("SELECT count(*) FROM dev.silver.flights_quarantine")
            : 0;
    long silver = count("SELECT count(*) FROM dev.silver.flights");
    if (silver + quarantined != bronze) {
      v.add("silver " + silver + " + quarantine " + quarantined + " != bronze " + bronze);
    }
    return v;
  }

  private List<String> checkGold() {
    List<String> v = new ArrayList<>();
    readable("dev.gold.flights", v);
    readable("dev.gold.airport_daily", v);
    long silver = count("SELECT count(*) FROM dev.silver.flights");
    long gold = count("SELECT count(*) FROM dev.gold.flights");
    long daily = count("SELECT CAST(sum(flights) AS BIGINT) FROM dev.gold.airport_daily");
    if (gold != silver) {
      v.add("gold.flights " + gold + " != silver " + silver);
    }
    if (daily != gold) {
      v.add("airport_daily sums " + daily + " flights, gold has " + gold);
    }
    return v;
  }

  private List<String> checkFeatures() {
    List<String> v = new ArrayList<>();
    for (ComputedFeatureTable t :
        FeatureStore.specs(home.confDir().resolve(FeatureStore.SPECS_FOLDER), "dev")) {
      readable(t.name(), v);
      String keys = String.join(", ", t.spec().rowKeys());
      long rows = count("SELECT count(*) FROM " + t.name());
      long distinct =
          count("SELECT count(*) FROM (SELECT DISTINCT " + keys + " FROM " + t.name() + ")");
      long expected = spark.sql(t.query()).count();
      if (rows != distinct) {
        v.add(t.name() + ": " + (rows - distinct) + " duplicate keys");
      }
      if (rows != expected) {
        v.add(t.name() + ": " + rows + " rows, its query gives " + expected);
      }
    }
    return v;
  }

  private List<String> checkRegistry() throws IOException {
    trainings++;
    return registryViolations();
  }

  private List<String> registryViolations() throws IOException {
    List<String> v = new ArrayList<>();
    int versions = 0;
    for (RegisteredModel model : registry.searchModelsByPrefix("")) {
      Map<String, Integer> perRun = new HashMap<>();
      for (ModelVersion version : registry.searchVersions(model.name(), null)) {
        versions++;
        perRun.merge(version.runId(), 1, Integer::sum);
      }
      perRun.forEach(
          (run, n) -> {
            if (n > 1) {
              v.add(model.name() + ": run " + run + " registered " + n + " versions");
            }
          });
      for (String alias : model.aliases().keySet()) {
        Path dir = Files.createTempDirectory("fault-model");
        try {
          registry.download("models:/" + model.name() + "@" + alias, dir);
          if (!Files.exists(dir.resolve("MLmodel"))
              || !Files.exists(dir.resolve("sparkml/metadata"))) {
            v.add(model.name() + "@" + alias + ": model incomplete");
          }
        } catch (RuntimeException e) {
          v.add(model.name() + "@" + alias + ": cannot download: " + e.getMessage());
        } finally {
          TestHome.deleteRecursively(dir);
        }
      }
    }
    // Killed runs may leave a version without an alias (not a violation), never more than a
    // version per run; successful re-runs add exactly one each.
    if (versions < trainings) {
      v.add(versions + " versions after " + trainings + " successful trainings");
    }
    return v;
  }

  /** The champion is the version of the newest PROMOTED decision (or the first, never decided). */
  private List<String> checkDeploy() throws IOException {
    List<String> v = registryViolations();
    if (!spark.catalog().tableExists("dev.ml.deployments")) {
      return v; // nothing decided yet: the first version is the champion from its registration
    }
    readable("dev.ml.deployments", v);
    for (RegisteredModel model : registry.searchModelsByPrefix("")) {
      String champion = String.valueOf(model.aliases().get("champion"));
      List<Row> promoted =
          spark
              .sql(
                  "SELECT CAST(version AS STRING) FROM dev.ml.deployments WHERE model = '"
                      + model.name()
                      + "' AND result = 'PROMOTED' ORDER BY decided_at DESC LIMIT 1")
              .collectAsList();
      if (!promoted.isEmpty() && !promoted.get(0).getString(0).equals(champion)) {
        v.add(
            model.name()
                + "@champion is version "
                + champion
                + ", the newest PROMOTED decision is version "
                + promoted.get(0).getString(0));
      }
    }
    return v;
  }

  /** Every scored (input version, model version) has each input row once. */
  private List<String> checkPredictions() {
    List<String> v = new ArrayList<>();
    readable("dev.ml.predictions", v);
    for (Row r :
        spark
            .sql(
                "SELECT input_table, input_version, model_version, count(*) FROM"
                    + " dev.ml.predictions GROUP BY ALL")
            .collectAsList()) {
      long input = count("SELECT count(*) FROM " + r.get(0) + " VERSION AS OF " + r.get(1));
      if (input != r.getLong(3)) {
        v.add(
            r.get(0)
                + "@"
                + r.get(1)
                + " by version "
                + r.get(2)
                + ": "
                + r.getLong(3)
                + " predictions of "
                + input
                + " rows");
      }
    }
    predictions = count("SELECT count(*) FROM dev.ml.predictions");
    return v;
  }

  /** Labels are merged into the predictions: none added, none lost. */
  private List<String> checkLabels() {
    List<String> v = new ArrayList<>();
    readable("dev.ml.predictions", v);
    long now = count("SELECT count(*) FROM dev.ml.predictions");
    if (now != predictions) {
      v.add("labels changed the predictions from " + predictions + " rows to " + now);
    }
    return v;
  }

  private List<String> checkMonitor() {
    List<String> v = new ArrayList<>();
    String profile = "dev.monitoring.flights_profile_metrics";
    String drift = "dev.monitoring.flights_drift_metrics";
    readable(profile, v);
    readable(drift, v);
    readable("dev.monitoring.alerts", v);
    long doubledProfile =
        count(
            "SELECT count(*) FROM (SELECT granularity, window, log_type, slice_key, slice_value,"
                + " column_name, count(*) AS n FROM "
                + profile
                + " GROUP BY ALL) WHERE n > 1");
    long doubledDrift =
        count(
            "SELECT count(*) FROM (SELECT granularity, window, drift_type, slice_key, slice_value,"
                + " column_name, count(*) AS n FROM "
                + drift
                + " GROUP BY ALL) WHERE n > 1");
    if (doubledProfile > 0) {
      v.add(doubledProfile + " profile metric rows doubled");
    }
    if (doubledDrift > 0) {
      v.add(doubledDrift + " drift metric rows doubled");
    }
    // Every day of the data has its daily window, counting the day's flights as they are now.
    long wrongDays =
        count(
            "SELECT count(*) FROM (SELECT window(flight_time, '1 day').start AS d, count(*)"
                + " AS n FROM dev.gold.flights GROUP BY 1) g FULL OUTER JOIN (SELECT window.start"
                + " AS d, count AS n FROM "
                + profile
                + " WHERE granularity = '1 day' AND log_type = 'INPUT' AND slice_key IS NULL AND"
                + " column_name = ':table') m ON g.d = m.d WHERE g.n IS NULL OR m.n IS NULL OR g.n"
                + " <> m.n");
    if (wrongDays > 0) {
      v.add(wrongDays + " daily windows missing, extra or stale");
    }
    long doubledAlerts =
        count(
            "SELECT count(*) FROM (SELECT alert_name, metric, column_name, window_start, count(*)"
                + " AS n FROM dev.monitoring.alerts GROUP BY ALL) WHERE n > 1");
    if (doubledAlerts > 0) {
      v.add(doubledAlerts + " alerts doubled");
    }
    return v;
  }

  private static String errorLine(String stderr) {
    return stderr.lines().filter(l -> l.startsWith("Error:")).findFirst().orElse("(no Error line)");
  }

  /** The flight-delay model made quick: few trees, no tuning. */
  private static void writeBenchModel(LakeOpsHome home) throws IOException {
    Path models = home.confDir().resolve("models");
    String yaml = Files.readString(models.resolve("flight_delay.yml"));
    yaml =
        yaml.replace("max_iter: 30", "max_iter: 3")
            .replaceAll("(?s)\ntuning:.*?\n\n", "\n\n")
            .replace("name: flight_delay", "name: bench_delay");
    Files.writeString(models.resolve("bench_delay.yml"), yaml);
    // Deployment rules any bench version passes: the faults are what is tested, not the model.
    Files.writeString(
        home.confDir().resolve("deployment/bench_delay.yml"),
        """
        model: bench_delay
        model_config: conf/models/bench_delay.yml
        holdout:
          rows: 2000
        checks:
          signature: true
          metric_thresholds:
            - test_areaUnderROC >= 0.0
        compare_to_champion:
          metric: areaUnderROC
          tolerance: 1.0
        """);
  }
}
