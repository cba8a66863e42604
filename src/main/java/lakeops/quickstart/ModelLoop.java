package lakeops.quickstart;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import lakeops.deploy.Decision;
import lakeops.deploy.DeploymentConfig;
import lakeops.deploy.Deployments;
import lakeops.env.Environment;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.LakeOpsException;
import lakeops.features.FeatureStore;
import lakeops.inference.BatchInference;
import lakeops.inference.LabelResult;
import lakeops.inference.ScoringResult;
import lakeops.ingest.FlightsPipeline;
import lakeops.mlflow.Tracking;
import lakeops.monitoring.FiredAlert;
import lakeops.monitoring.MonitorRun;
import lakeops.monitoring.Monitors;
import lakeops.sample.FlightsGenerator;
import lakeops.serving.ModelServer;
import lakeops.serving.ServingSpec;
import lakeops.training.ModelSpec;
import lakeops.training.ModelTraining;
import lakeops.training.TrainingResult;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The model half of the quickstart in one environment: validate and promote, batch-score, labels
 * back, the staging tests, and prod's loop from served traffic with drift to a retrained and
 * validated version.
 */
final class ModelLoop {

  private final SparkSession spark;
  private final LakeOpsHome home;
  private final Environment environment;
  private final Path modelFile;
  private final PrintStream out;
  private final Properties summary;

  ModelLoop(
      SparkSession spark,
      LakeOpsHome home,
      Environment environment,
      Path modelFile,
      PrintStream out,
      Properties summary) {
    this.spark = spark;
    this.home = home;
    this.environment = environment;
    this.modelFile = modelFile;
    this.out = out;
    this.summary = summary;
  }

  /** Validates {@code trained} against the champion and promotes it; approves where required. */
  Decision validateAndPromote(TrainingResult trained) {
    Deployments deployments = Deployments.of(spark, home, environment.name());
    DeploymentConfig config = deployments.config(modelName());
    int version = trained.published().version();
    Quickstart.step(out, "Validate and promote version " + version + " in " + environment.name());
    Decision promoted =
        deployments.promote(config, version, QuickstartProperties.ACTOR, "quickstart");
    out.print(promoted.summary());
    if ("PENDING_APPROVAL".equals(promoted.result())) {
      Decision approved =
          deployments.approve(
              modelName(), version, QuickstartProperties.ACTOR, "approved by the quickstart");
      out.print(approved.summary());
      promoted = approved;
    }
    summary.setProperty("champion", trained.registeredModel() + "@champion");
    summary.setProperty("deploy.v" + version, promoted.result());
    return promoted;
  }

  /** Scores the newest gold flights with the champion, then merges the labels that have landed. */
  ScoringResult batchScore(String inputTable) {
    Quickstart.step(out, "Batch inference of " + inputTable + " with the champion");
    BatchInference inference = BatchInference.of(spark, home, environment);
    ScoringResult scored = inference.score(modelName() + "@champion", inputTable);
    out.print("  " + scored.summary());
    LabelResult labels = inference.mergeLabels(spec());
    out.print("  " + labels.summary());
    summary.setProperty("predictions.rows", Long.toString(countOf(inference.predictionsTable())));
    return scored;
  }

  /** A scoring slice of gold: the last days of flights, kept once so re-runs score nothing new. */
  String scoringSlice(int days) {
    String table = environment.name() + "." + QuickstartProperties.SCORING_TABLE;
    spark.sql(
        String.format(
            "CREATE TABLE IF NOT EXISTS %s AS SELECT * FROM %s.gold.flights"
                + " WHERE flight_time >= (SELECT max(flight_time) - INTERVAL %d DAYS"
                + " FROM %s.gold.flights)",
            table, environment.name(), days, environment.name()));
    return table;
  }

  /**
   * The Big Book's staging tests on what this environment just built: feature store, training,
   * deployment (a started REST endpoint), batch inference and monitoring.
   *
   * @return the failed tests' names
   */
  List<String> stagingTests(TrainingResult trained) {
    Quickstart.step(out, "Staging tests");
    List<String> failed = new ArrayList<>();
    check("feature store", failed, this::featureStoreTest);
    check("training", failed, () -> trainingTest(trained));
    check("deployment", failed, () -> deploymentTest(trained));
    check("batch inference", failed, this::batchInferenceTest);
    check("monitoring", failed, this::monitoringTest);
    summary.setProperty("staging.tests", failed.isEmpty() ? "5/5 passed" : "failed: " + failed);
    return failed;
  }

  private interface Test {
    String run() throws Exception;
  }

  private void check(String name, List<String> failed, Test test) {
    try {
      out.printf("  PASS %-16s %s%n", name, test.run());
    } catch (Exception | AssertionError e) {
      failed.add(name);
      out.printf("  FAIL %-16s %s%n", name, e.getMessage());
    }
  }

  private String featureStoreTest() {
    FeatureStore store = FeatureStore.of(spark);
    List<String> tables = store.listTables(environment.name());
    expect(!tables.isEmpty(), "no feature tables in " + environment.name());
    long leaks =
        spark
            .sql(
                "SELECT count(*) FROM "
                    + environment.name()
                    + ".features.origin_delay_stats WHERE feature_time > current_timestamp()")
            .first()
            .getLong(0);
    expect(leaks == 0, leaks + " feature rows from the future");
    return tables.size() + " tables, none from the future";
  }

  private String trainingTest(TrainingResult trained) {
    expect(trained.published() != null, "the model was not registered");
    Double auc = trained.metrics().get("test_areaUnderROC");
    expect(auc != null && auc > 0.5, "test_areaUnderROC " + auc + " is not above 0.5");
    return String.format("version %d, test_areaUnderROC %.3f", trained.published().version(), auc);
  }

  private String deploymentTest(TrainingResult trained) throws Exception {
    Tracking tracking = Tracking.forEnvironment(home, environment);
    ServingSpec spec =
        ServingSpec.builder(trained.registeredModel() + "@champion")
            .port(0)
            .featureLookup(true)
            .withoutInferenceLog()
            .build();
    try (ModelServer server = ModelServer.start(spark, tracking.registry(), spec)) {
      List<Row> rows = requestRows(5);
      HttpResponse<String> answer = post(server.url(), records(rows));
      expect(answer.statusCode() == 200, "status " + answer.statusCode() + ": " + answer.body());
      expect(answer.body().contains("\"predictions\""), "no predictions in " + answer.body());
      return "REST endpoint answered " + rows.size() + " rows on port " + server.port();
    }
  }

  private String batchInferenceTest() {
    BatchInference inference = BatchInference.of(spark, home, environment);
    String slice = scoringSlice(3);
    inference.score(modelName() + "@champion", slice);
    ScoringResult again = inference.score(modelName() + "@champion", slice);
    expect(again.rowsWritten() == 0, "a re-run wrote " + again.rowsWritten() + " rows");
    long rows = countOf(slice);
    long scored =
        spark
            .sql(
                String.format(
                    "SELECT count(*) FROM %s WHERE input_table = '%s' AND model_version = '%d'",
                    inference.predictionsTable(), slice, again.modelVersion()))
            .first()
            .getLong(0);
    expect(scored == rows, scored + " predictions for the " + rows + " rows of " + slice);
    return rows + " rows scored once by version " + again.modelVersion() + "; a re-run wrote none";
  }

  private String monitoringTest() {
    MonitorRun run =
        Monitors.of(spark, environment.name(), home.confDir().resolve("monitors")).run("flights");
    expect(run.refresh().profileRows() > 0, "no profile rows");
    return run.refresh().profileRows()
        + " profile rows, "
        + run.refresh().driftRows()
        + " drift rows";
  }

  /**
   * Prod's loop after the first champion: serves it, replays later flights with drift as traffic
   * and as new landing data, monitors, and on the drift alert retrains and validates.
   */
  void driftAndRetrain(FlightsPipeline pipeline, Path landing, long rows) {
    Quickstart.step(out, "Serve the champion and replay later flights with drift as traffic");
    LocalDate later = lastFlightDay().plusDays(1);
    FlightsGenerator drifted =
        FlightsGenerator.flights(rows)
            .days(QuickstartProperties.REPLAY_DAYS)
            .startingOn(later)
            .shiftDelay(QuickstartProperties.REPLAY_DELAY_SHIFT_MINUTES)
            .seed(later.toEpochDay());
    Path replay = home.lakehouseDir().resolve("landing/replay-" + environment.name());
    drifted.write(spark, replay.toString(), "parquet", 1);
    Tracking tracking = Tracking.forEnvironment(home, environment);
    ServingSpec spec =
        ServingSpec.builder(registeredName() + "@champion").port(0).featureLookup(true).build();
    long served = 0;
    try (ModelServer server = ModelServer.start(spark, tracking.registry(), spec)) {
      for (List<Row> batch : batches(spark.read().parquet(replay.toString()), 20)) {
        HttpResponse<String> answer = post(server.url(), records(batch));
        if (answer.statusCode() == 200) {
          served += batch.size();
        }
      }
      out.printf(
          "  served %d rows at %s; inference log %s%n", served, server.url(), "ml.inference_log");
    }
    summary.setProperty("serving.rows", Long.toString(served));

    Quickstart.step(out, "Later flights land: bronze, silver, gold, features");
    drifted.write(spark, landing.toString(), "parquet", 1);
    pipeline.run(spark, home);
    FeatureStore store = FeatureStore.of(spark);
    FeatureStore.specs(home.confDir().resolve(FeatureStore.SPECS_FOLDER), environment.name())
        .forEach(store::compute);

    Quickstart.step(out, "Monitor gold.flights");
    MonitorRun run =
        Monitors.of(spark, environment.name(), home.confDir().resolve("monitors")).run("flights");
    out.println("  " + run.refresh());
    List<String> fired = run.firedAlerts().stream().map(FiredAlert::alertName).distinct().toList();
    out.println("  alerts fired: " + (fired.isEmpty() ? "none" : fired));
    summary.setProperty("alerts.fired", fired.isEmpty() ? "none" : String.join(",", fired));
    Path report =
        Monitors.of(spark, environment.name(), home.confDir().resolve("monitors"))
            .report("flights", QuickstartStage.reportFile(home, environment.name()));
    out.println("  report: " + report.toAbsolutePath());
    summary.setProperty("monitoring.report", report.toAbsolutePath().toString());
    if (!fired.contains("feature_drift")) {
      return;
    }
    Quickstart.step(
        out,
        "feature_drift fired: retrain, validate and promote (the steps of jobs/retraining.yml)");
    TrainingResult retrained =
        ModelTraining.of(spark, home, environment).trainAndPublish(modelFile);
    out.print(retrained.summary());
    Decision decision = validateAndPromote(retrained);
    summary.setProperty(
        "retrained", "version " + retrained.published().version() + " " + decision.result());
  }

  private LocalDate lastFlightDay() {
    Row max =
        spark
            .sql("SELECT to_date(max(flight_time)) FROM " + environment.name() + ".gold.flights")
            .first();
    return max.getDate(0).toLocalDate();
  }

  private List<Row> requestRows(int rows) {
    return spark
        .sql(
            "SELECT date_format(flight_time, \"yyyy-MM-dd'T'HH:mm:ss\") AS flight_time, origin,"
                + " destination, distance_miles FROM "
                + environment.name()
                + ".gold.flights ORDER BY flight_time DESC LIMIT "
                + rows)
        .collectAsList();
  }

  private static List<List<Row>> batches(org.apache.spark.sql.Dataset<Row> flights, int size) {
    List<Row> rows =
        flights
            .selectExpr(
                "date_format(date, \"yyyy-MM-dd'T'HH:mm:ss\") AS flight_time",
                "origin",
                "destination",
                "CAST(distance AS INT) AS distance_miles")
            .collectAsList();
    List<List<Row>> batches = new ArrayList<>();
    for (int i = 0; i < rows.size(); i += size) {
      batches.add(rows.subList(i, Math.min(rows.size(), i + size)));
    }
    return batches;
  }

  private static String records(List<Row> rows) {
    StringBuilder json = new StringBuilder("{\"dataframe_records\": [");
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      json.append(i == 0 ? "" : ", ")
          .append(
              String.format(
                  "{\"flight_time\": \"%s\", \"origin\": \"%s\", \"destination\": \"%s\","
                      + " \"distance_miles\": %s}",
                  row.get(0), row.get(1), row.get(2), row.get(3)));
    }
    return json.append("]}").toString();
  }

  private static HttpResponse<String> post(String url, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/invocations"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new LakeOpsException(
          "Cannot call the model server at " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakeOpsException("Cannot call the model server at " + url + ": interrupted", e);
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private long countOf(String table) {
    return spark.table(table).count();
  }

  private ModelSpec spec() {
    return ModelSpec.load(modelFile);
  }

  private String modelName() {
    return spec().name();
  }

  private String registeredName() {
    return Deployments.of(spark, home, environment.name()).registeredName(modelName());
  }

  private static void expect(boolean condition, String failure) {
    if (!condition) {
      throw new LakeOpsException(failure);
    }
  }
}
