package lakeops.quickstart;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import lakeops.catalog.Catalogs;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.features.ComputedFeatureTable;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTable;
import lakeops.ingest.FlightsPipeline;
import lakeops.mlflow.Tracking;
import lakeops.sample.SampleData;
import lakeops.session.SessionFactory;
import lakeops.training.ModelSpec;
import lakeops.training.ModelTraining;
import lakeops.training.TrainingResult;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mlflow.tracking.MlflowClient;

/**
 * The main job end to end on embedded defaults, as {@code lakeops quickstart} runs it. Provisions
 * the catalogs of every environment, writes and reads a Delta table by three-part name in the
 * chosen environment, fetches the real flights sample (or generates synthetic flights) and builds
 * bronze → silver → gold from it, computes the feature tables of {@code conf/features}, logs an
 * MLflow run to the environment's tracking server, and trains, logs and registers the flight-delay
 * model ({@value #MODEL_FILE}; alias champion if the model has none). Every step reports what it
 * did.
 *
 * <pre>{@code Quickstart.of(home, "dev").syntheticRows(2000).run(System.out);}</pre>
 */
public final class Quickstart {

  /** The Delta table written and read by three-part name in the chosen environment's catalog. */
  public static final String TABLE = "gold.quickstart_numbers";

  /** The model trained after gold, relative to the home. */
  public static final String MODEL_FILE = "conf/models/flight_delay.yml";

  /** The MLflow experiment of the quickstart's run, in the environment's experiment folder. */
  public static final String EXPERIMENT = "quickstart";

  private final LakeOpsHome home;
  private final String environment;
  private final long syntheticRows;
  private final boolean localS3;
  private final Properties summary = new Properties();

  private Quickstart(LakeOpsHome home, String environment, long syntheticRows, boolean localS3) {
    this.home = home;
    this.environment = environment;
    this.syntheticRows = syntheticRows;
    this.localS3 = localS3;
  }

  /**
   * The quickstart of {@code home} in the environment called {@code environment}, on the real
   * flights.
   */
  public static Quickstart of(LakeOpsHome home, String environment) {
    return new Quickstart(home, environment, 0, false);
  }

  /**
   * Builds the pipeline from {@code rows} synthetic flights instead of the real file (0: the real
   * file).
   */
  public Quickstart syntheticRows(long rows) {
    return new Quickstart(home, environment, rows, localS3);
  }

  /**
   * Starts the project's local S3 server first ({@code scripts/s3-server}: one bucket per
   * environment, read-write and read-only keys in a credentials file), for environment files whose
   * roots are its buckets ({@value lakeops.env.EnvironmentProperties#ENVIRONMENTS_S3}).
   */
  public Quickstart onLocalS3() {
    return new Quickstart(home, environment, syntheticRows, true);
  }

  /**
   * Runs every step of the environment's stage, reporting each to {@code out}: dev builds, trains,
   * validates, promotes and batch-scores; staging does the same on its slice and runs the staging
   * tests; prod also serves, replays later flights with drift, monitors and retrains on the alert.
   *
   * @return false when a staging test failed
   */
  public boolean run(PrintStream out) {
    long started = System.nanoTime();
    if (localS3) {
      step(out, "Local S3 server");
      out.println(
          "  "
              + LocalS3Server.start(home)
              + "  (credentials: "
              + LocalS3Server.dir(home).resolve("credentials")
              + ")");
    }
    Environments environments = Environments.load(home);
    Environment chosen = environments.get(environment);
    QuickstartStage stage = QuickstartStage.of(chosen.name());
    SparkSession spark = SessionFactory.create(environments, chosen.name());
    provisionCatalogs(spark, environments, chosen, out);
    String table = chosen.name() + "." + TABLE;
    TableSummary tableSummary = writeAndReadTable(spark, table, out);
    FlightsPipeline pipeline = pipeline(spark, chosen, stage, out);
    FlightsPipeline.Result built = buildPipeline(spark, pipeline, out);
    computeFeatures(spark, chosen, out);
    logRun(chosen, table, tableSummary, built, out);
    boolean passed = trainAndDeploy(spark, chosen, stage, pipeline, built.gold().flightRows(), out);
    double seconds = (System.nanoTime() - started) / 1e9;
    summary.setProperty("tables.gold.flights", Long.toString(built.gold().flightRows()));
    summary.setProperty("mlflow", Tracking.forEnvironment(home, chosen).trackingUri());
    QuickstartStage.writeSummary(home, chosen.name(), summary);
    out.printf("%nQuickstart done in %.1f s (environment %s).%n", seconds, chosen.name());
    out.println(
        "Try: bin/lakeops sql --env "
            + chosen.name()
            + " \"SELECT origin, sum(flights), avg(mean_delay_minutes) FROM "
            + chosen.name()
            + ".gold.airport_daily GROUP BY origin ORDER BY 2 DESC LIMIT 10\"");
    return passed;
  }

  private static void provisionCatalogs(
      SparkSession spark, Environments environments, Environment chosen, PrintStream out) {
    step(out, "Catalogs");
    for (Environment each : environments.all().values()) {
      if (!chosen.canWrite(each.name())) {
        out.printf(
            "  %-8s %s  (read-only from %s: its own sessions provision it)%n",
            each.name(), each.storageRoot(), chosen.name());
        continue;
      }
      List<String> schemas = Catalogs.provision(each, spark.sessionState().newHadoopConf());
      out.printf("  %-8s %s  schemas: %s%n", each.name(), each.storageRoot(), schemas);
    }
  }

  /** What the quickstart table holds: its rows, their mean score and the table's Delta version. */
  private record TableSummary(long rows, double meanScore, long version) {}

  private static TableSummary writeAndReadTable(SparkSession spark, String table, PrintStream out) {
    step(out, "Delta table " + table);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " AS "
            + "SELECT id, id % 7 AS bucket, rand(42) AS score FROM range(1000)");
    Row read = spark.sql("SELECT count(*) AS rows, avg(score) AS mean_score FROM " + table).first();
    long version = spark.sql("DESCRIBE HISTORY " + table).first().getLong(0);
    TableSummary summary = new TableSummary(read.getLong(0), read.getDouble(1), version);
    out.printf(
        "  rows=%d mean_score=%.4f delta_version=%d%n",
        summary.rows(), summary.meanScore(), summary.version());
    return summary;
  }

  /**
   * The environment's flights pipeline over its landing folder: on the real data a seeded sample of
   * it for dev and for prod a folder of its own (links to the real file) that later flights land
   * in; staging's small slice (and every stage's data with synthetic rows) is shared.
   */
  private FlightsPipeline pipeline(
      SparkSession spark, Environment chosen, QuickstartStage stage, PrintStream out) {
    // Staging runs the same code on a small slice.
    long rows =
        syntheticRows > 0
            ? syntheticRows
            : stage == QuickstartStage.STAGING ? QuickstartProperties.SMALL_ROWS : 0;
    boolean sampled = rows == 0 && stage == QuickstartStage.DEVELOPMENT;
    step(
        out,
        rows > 0
            ? "Sample data: " + rows + " synthetic flights"
            : "Sample data: flights-3m.parquet (npm vega-datasets@3.2.1)"
                + (sampled
                    ? ", a seeded "
                        + Math.round(QuickstartProperties.DEV_SAMPLE_FRACTION * 100)
                        + "% sample in dev"
                    : ""));
    Path shared =
        rows > 0
            ? SampleData.syntheticFlights(home, spark, rows)
            : sampled
                ? SampleData.flightsSample(home, spark, QuickstartProperties.DEV_SAMPLE_FRACTION)
                : SampleData.fetchFlights(home).getParent();
    Path landing =
        stage == QuickstartStage.PRODUCTION
            ? QuickstartStage.ownLanding(home, chosen.name(), shared)
            : shared;
    out.printf("  landing=%s%n", landing);
    return new FlightsPipeline(landing.toString(), chosen.name());
  }

  private FlightsPipeline.Result buildPipeline(
      SparkSession spark, FlightsPipeline pipeline, PrintStream out) {
    long started = System.nanoTime();
    step(out, "Bronze, silver, gold in " + pipeline.catalog());
    FlightsPipeline.Result result = pipeline.run(spark, home);
    out.printf(
        "  bronze %s%n  silver %s%n  gold   %s%n", result.bronze(), result.silver(), result.gold());
    out.printf(
        "  gold flights rows=%d airport_daily rows=%d pipeline_seconds=%.1f%n",
        result.gold().flightRows(),
        result.gold().airportDayRows(),
        (System.nanoTime() - started) / 1e9);
    return result;
  }

  /** The feature tables of {@code conf/features} from gold. */
  private void computeFeatures(SparkSession spark, Environment chosen, PrintStream out) {
    Path specs = home.confDir().resolve(FeatureStore.SPECS_FOLDER);
    step(out, "Feature tables (" + specs + ")");
    FeatureStore store = FeatureStore.of(spark);
    for (ComputedFeatureTable computed : FeatureStore.specs(specs, chosen.name())) {
      long started = System.nanoTime();
      FeatureTable table = store.compute(computed);
      long rows = spark.table(table.name()).count();
      out.printf(
          "  %-40s rows=%d version=%d seconds=%.1f%n",
          table.name(), rows, table.version(), (System.nanoTime() - started) / 1e9);
    }
  }

  /** Logs a run of the table's and the pipeline's figures to the environment's tracking server. */
  private void logRun(
      Environment chosen,
      String table,
      TableSummary summary,
      FlightsPipeline.Result pipeline,
      PrintStream out) {
    step(out, "MLflow run");
    Tracking tracking = Tracking.forEnvironment(home, chosen);
    MlflowClient client = tracking.client();
    String experimentId = tracking.experimentId(client, EXPERIMENT);
    String runId = client.createRun(experimentId).getRunId();
    client.logParam(runId, "table", table);
    client.logParam(runId, "delta_version", Long.toString(summary.version()));
    client.setTag(runId, "lakeops.environment", chosen.name());
    client.logMetric(runId, "rows", summary.rows());
    client.logMetric(runId, "mean_score", summary.meanScore());
    client.logMetric(runId, "bronze_rows_read", pipeline.bronze().rowsRead());
    client.logMetric(runId, "silver_rows_quarantined", pipeline.silver().rowsQuarantined());
    client.logMetric(runId, "gold_flight_rows", pipeline.gold().flightRows());
    client.setTerminated(runId);
    out.printf(
        "  experiment=%s run=%s%n  open %s%n",
        tracking.experimentName(EXPERIMENT), runId, tracking.runUrl(experimentId, runId));
  }

  /**
   * Trains, logs and registers the flight-delay model, validates and promotes it, scores with it;
   * then the stage's own steps. Returns false when a staging test failed.
   */
  private boolean trainAndDeploy(
      SparkSession spark,
      Environment chosen,
      QuickstartStage stage,
      FlightsPipeline pipeline,
      long goldRows,
      PrintStream out) {
    Path modelFile =
        QuickstartStage.quickModel(home, chosen.name(), home.resolve(MODEL_FILE), goldRows);
    TrainingResult trained = trainFlightDelay(spark, chosen, modelFile, out);
    if (trained == null || trained.published() == null) {
      return true;
    }
    ModelLoop loop = new ModelLoop(spark, home, chosen, modelFile, out, summary);
    summary.setProperty(
        "model", trained.registeredModel() + " version " + trained.published().version());
    Double auc = trained.metrics().get("test_areaUnderROC");
    if (auc != null) {
      summary.setProperty(
          "model.test_areaUnderROC", String.format(java.util.Locale.ROOT, "%.4f", auc));
    }
    loop.validateAndPromote(trained);
    loop.batchScore(loop.scoringSlice(QuickstartProperties.SCORING_DAYS));
    return switch (stage) {
      case DEVELOPMENT -> true;
      case STAGING -> loop.stagingTests(trained).isEmpty();
      case PRODUCTION -> {
        loop.driftAndRetrain(pipeline, Path.of(pipeline.landing()), replayRows());
        yield true;
      }
    };
  }

  private long replayRows() {
    return syntheticRows > 0
        ? Math.max(500, syntheticRows / 4)
        : QuickstartProperties.REPLAY_ROWS_DEFAULT;
  }

  /** Trains, logs and registers the flight-delay model, or says why it is skipped (null). */
  private TrainingResult trainFlightDelay(
      SparkSession spark, Environment chosen, Path modelFile, PrintStream out) {
    step(out, "Train " + MODEL_FILE + " in " + chosen.name());
    if (!Files.isRegularFile(modelFile)) {
      out.println("  skipped: no " + modelFile);
      return null;
    }
    String where = ModelSpec.load(modelFile).labels().where();
    out.printf(
        "  quicker config %s: at most %d trees, no tuning grid%s%n",
        modelFile,
        QuickstartProperties.QUICK_MAX_ITER,
        where == null ? "" : ", label rows where " + where);
    ModelTraining training = ModelTraining.of(spark, home, chosen);
    List<String> missing = training.missingTables(modelFile);
    if (!missing.isEmpty()) {
      out.println(
          "  skipped: missing tables "
              + missing
              + " (compute the feature tables first: lakeops features compute --env "
              + chosen.name()
              + ")");
      return null;
    }
    TrainingResult trained = training.trainAndPublish(modelFile);
    out.print(trained.summary());
    return trained;
  }

  static void step(PrintStream out, String title) {
    out.println("==> " + title);
  }
}
