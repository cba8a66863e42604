package lakeops.cli;

import java.util.List;
import java.util.concurrent.Callable;
import lakeops.catalog.Catalogs;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.env.SessionFactory;
import lakeops.mlflow.Tracking;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mlflow.tracking.MlflowClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code lakeops quickstart}: the main job end to end on embedded defaults. Provisions the catalogs of
 * every environment, writes and reads a Delta table by three-part name in the chosen environment, and
 * logs an MLflow run to the environment's tracking server.
 */
@Command(name = "quickstart", description = "Run the LakeOps pipeline end to end on embedded defaults.")
final class QuickstartCommand implements Callable<Integer> {

  static final String TABLE = "gold.quickstart_numbers";

  @Mixin EnvironmentOption env;

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
    client.setTerminated(runId);
    System.out.printf("  experiment=%s run=%s%n  open %s%n", tracking.experimentName("quickstart"),
        runId, tracking.runUrl(experimentId, runId));

    System.out.printf("%nQuickstart done in %.1f s (environment %s).%n",
        (System.nanoTime() - started) / 1e9, environment.name());
    System.out.println("Try: bin/lakeops sql --env " + environment.name()
        + " \"SELECT bucket, count(*) FROM " + table + " GROUP BY bucket ORDER BY bucket\"");
    return 0;
  }

  private static void step(String title) {
    System.out.println("==> " + title);
  }

}
