package lakeops.cli;

import java.util.List;
import java.util.concurrent.Callable;
import lakeops.catalog.Catalogs;
import lakeops.env.Environment;
import lakeops.features.ComputedFeatureTable;
import lakeops.features.FeatureProperties;
import lakeops.features.FeatureSpecs;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTable;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.env.SessionFactory;
import lakeops.ingest.FlightsPipeline;
import lakeops.mlflow.Tracking;
import lakeops.sample.SampleData;
import lakeops.sample.SampleProperties;
import lakeops.training.ModelTraining;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mlflow.tracking.MlflowClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakeops quickstart}: the main job end to end on embedded defaults. Provisions the catalogs of
 * every environment, writes and reads a Delta table by three-part name in the chosen environment,
 * fetches the real flights sample (or generates synthetic flights with {@code --synthetic-rows}) and
 * builds bronze → silver → gold from it, computes the feature tables of {@code conf/features}, logs an
 * MLflow run to the environment's tracking server, and trains, logs and registers the flight-delay
 * model ({@code conf/models/flight_delay.yml}; alias champion if the model has none).
 */
@Command(name = "quickstart", description = "Run the LakeOps pipeline end to end on embedded defaults.")
final class QuickstartCommand implements Callable<Integer> {

  static final String TABLE = "gold.quickstart_numbers";

  /** The model the quickstart trains after gold. */
  static final String MODEL_FILE = "conf/models/flight_delay.yml";

  @Mixin EnvironmentOption env;

  @Option(names = "--synthetic-rows", paramLabel = "N",
      defaultValue = "${env:" + SampleProperties.QUICKSTART_SYNTHETIC_ROWS_ENV + ":-0}",
      description = "Build the pipeline from N synthetic flights instead of the real 3M-row file "
          + "(default: $" + SampleProperties.QUICKSTART_SYNTHETIC_ROWS_ENV + " or 0 = real file).")
  long syntheticRows;

  @Override
  public Integer call() {
    long started = System.nanoTime();
    LakeOpsHome home = LakeOpsHome.current();
    Environments environments = Environments.load(home);
    Environment environment = environments.get(env.name);
    SparkSession spark = SessionFactory.create(environments, environment.name());

    step("Catalogs");
    for (Environment each : environments.all().values()) {
      List<String> schemas = Catalogs.provision(each, spark.sessionState().newHadoopConf());
      System.out.printf("  %-8s %s  schemas: %s%n", each.name(), each.storageRoot(), schemas);
    }

    String table = environment.name() + "." + TABLE;
    step("Delta table " + table);
    spark.sql("CREATE OR REPLACE TABLE " + table + " AS "
        + "SELECT id, id % 7 AS bucket, rand(42) AS score FROM range(1000)");
    Row summary = spark.sql("SELECT count(*) AS rows, avg(score) AS mean_score FROM " + table).first();
    long version = spark.sql("DESCRIBE HISTORY " + table).first().getLong(0);
    System.out.printf("  rows=%d mean_score=%.4f delta_version=%d%n",
        summary.getLong(0), summary.getDouble(1), version);

    FlightsPipeline.Result pipeline = flightsPipeline(spark, home, environment);
    computeFeatures(spark, home, environment);

    step("MLflow run");
    Tracking tracking = Tracking.forEnvironment(home, environment);
    MlflowClient client = tracking.client();
    String experimentId = tracking.experimentId(client, "quickstart");
    String runId = client.createRun(experimentId).getRunId();
    client.logParam(runId, "table", table);
    client.logParam(runId, "delta_version", Long.toString(version));
    client.setTag(runId, "lakeops.environment", environment.name());
    client.logMetric(runId, "rows", summary.getLong(0));
    client.logMetric(runId, "mean_score", summary.getDouble(1));
    client.logMetric(runId, "bronze_rows_read", pipeline.bronze().rowsRead());
    client.logMetric(runId, "silver_rows_quarantined", pipeline.silver().rowsQuarantined());
    client.logMetric(runId, "gold_flight_rows", pipeline.gold().flightRows());
    client.setTerminated(runId);
    System.out.printf("  experiment=%s run=%s%n  open %s%n", tracking.experimentName("quickstart"),
        runId, tracking.runUrl(experimentId, runId));

    trainFlightDelay(spark, home, environment);

    System.out.printf("%nQuickstart done in %.1f s (environment %s).%n",
        (System.nanoTime() - started) / 1e9, environment.name());
    System.out.println("Try: bin/lakeops sql --env " + environment.name()
        + " \"SELECT origin, sum(flights), avg(mean_delay_minutes) FROM " + environment.name()
        + ".gold.airport_daily GROUP BY origin ORDER BY 2 DESC LIMIT 10\"");
    return 0;
  }

  private FlightsPipeline.Result flightsPipeline(SparkSession spark, LakeOpsHome home,
      Environment environment) {
    long started = System.nanoTime();
    step(syntheticRows > 0 ? "Sample data: " + syntheticRows + " synthetic flights"
        : "Sample data: flights-3m.parquet (npm vega-datasets@3.2.1)");
    java.nio.file.Path landing = syntheticRows > 0
        ? SampleData.syntheticFlights(home, spark, syntheticRows)
        : SampleData.fetchFlights(home).getParent();
    System.out.printf("  landing=%s%n", landing);
    FlightsPipeline pipeline = new FlightsPipeline(landing.toString(), environment.name());
    step("Bronze, silver, gold in " + environment.name());
    FlightsPipeline.Result result = pipeline.run(spark, home);
    System.out.printf("  bronze %s%n  silver %s%n  gold   %s%n", result.bronze(), result.silver(),
        result.gold());
    System.out.printf("  gold flights rows=%d airport_daily rows=%d pipeline_seconds=%.1f%n",
        result.gold().flightRows(), result.gold().airportDayRows(), (System.nanoTime() - started) / 1e9);
    return result;
  }

  /** The feature tables of {@code conf/features} from gold. */
  private static void computeFeatures(SparkSession spark, LakeOpsHome home, Environment environment) {
    java.nio.file.Path specs = home.confDir().resolve(FeatureProperties.SPECS_FOLDER);
    step("Feature tables (" + specs + ")");
    FeatureStore store = FeatureStore.of(spark);
    for (ComputedFeatureTable computed : FeatureSpecs.load(specs, environment.name())) {
      long started = System.nanoTime();
      FeatureTable table = store.compute(computed);
      long rows = spark.table(table.name()).count();
      System.out.printf("  %-40s rows=%d version=%d seconds=%.1f%n", table.name(), rows, table.version(),
          (System.nanoTime() - started) / 1e9);
    }
  }

  /** Trains, logs and registers the flight-delay model, or says why it is skipped. */
  private static void trainFlightDelay(SparkSession spark, LakeOpsHome home, Environment environment) {
    java.nio.file.Path modelFile = home.resolve(MODEL_FILE);
    step("Train " + MODEL_FILE + " in " + environment.name());
    if (!java.nio.file.Files.isRegularFile(modelFile)) {
      System.out.println("  skipped: no " + modelFile);
      return;
    }
    ModelTraining training = ModelTraining.of(spark, home, environment);
    List<String> missing = training.missingTables(modelFile);
    if (!missing.isEmpty()) {
      System.out.println("  skipped: missing tables " + missing
          + " (compute the feature tables first: lakeops features compute --env " + environment.name() + ")");
      return;
    }
    System.out.print(training.trainAndPublish(modelFile).summary());
  }

  private static void step(String title) {
    System.out.println("==> " + title);
  }

}
