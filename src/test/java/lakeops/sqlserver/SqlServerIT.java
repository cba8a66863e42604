package lakeops.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.catalog.Catalogs;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.features.ComputedFeatureTable;
import lakeops.features.FeatureStore;
import lakeops.ingest.FlightsPipeline;
import lakeops.monitoring.Monitors;
import lakeops.sample.SampleData;
import lakeops.session.SessionFactory;
import lakeops.testing.CliProcess;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import lakeops.training.ModelTraining;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SQL endpoint end to end: one small prod lake (ingest, gold, features, a tiny model, a monitor
 * refresh), prod's endpoint in this JVM and dev's as {@code bin/lakeops sql-server} with a token,
 * pyspark Spark Connect clients in their own processes (the project venv), and every notebook of
 * {@code notebooks/} executed headless against prod's endpoint.
 */
@ExtendWith(MlflowTestServer.class)
class SqlServerIT {

  private static final String TOKEN = "sql-token-4b9e1c";
  private static final Pattern STARTED =
      Pattern.compile(
          "SQL endpoint of environment dev on sc://127\\.0\\.0\\.1:(\\d+) \\(token required\\)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LakeOpsHome home;
  private static Environments environments;
  private static SqlServer prodServer;

  @BeforeAll
  static void buildLakeAndStartProdEndpoint() throws IOException {
    home = TestHome.create("sql-server");
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.sql.shuffle.partitions", "2");
    System.setProperty("spark.default.parallelism", "2");
    System.setProperty("spark.databricks.delta.snapshotPartitions", "2");
    System.setProperty("spark.ui.enabled", "false");
    environments = Environments.load(home, tracking()::get);
    Environment prod = environments.get("prod");
    SparkSession spark = SessionFactory.create(environments, "prod");
    Catalogs.provision(prod, spark.sessionState().newHadoopConf());
    new FlightsPipeline(SampleData.syntheticFlights(home, spark, 2000).toString(), "prod")
        .run(spark, home);
    FeatureStore store = FeatureStore.of(spark);
    for (ComputedFeatureTable table :
        FeatureStore.specs(home.confDir().resolve(FeatureStore.SPECS_FOLDER), "prod")) {
      store.compute(table);
    }
    ModelTraining.of(spark, home, prod).trainAndPublish(writeTinyModel());
    Monitors.of(spark, "prod", home.confDir().resolve("monitors")).run("flights");
    writeDeploymentTables(spark);
    prodServer = SqlServer.start(spark, SqlServerSpec.builder().port(0).build());
  }

  @AfterAll
  static void stopProdEndpoint() {
    if (prodServer != null) {
      prodServer.close();
    }
  }

  @Test
  void connectClientInAnotherProcessReadsProdMetricTablesByThreePartName() throws Exception {
    List<JsonNode> checks =
        python(
            Map.of(),
            "connect_client.py",
            "read",
            prodServer.url(),
            "prod.monitoring.flights_drift_metrics",
            "prod.monitoring.flights_profile_metrics",
            "prod.gold.flights");
    assertThat(checks).hasSize(4).allSatisfy(check -> assertOk(check));
    assertThat(checks.get(3).get("detail").asText()).isEqualTo("prod");
    assertThatThrownBy(() -> SqlServer.start(SessionFactory.create(environments, "prod"), spec()))
        .hasMessageContaining("Cannot start SQL endpoint: this JVM already serves environment");
  }

  @Test
  void devEndpointRequiresItsTokenAndRefusesEveryWriteToProd() throws Exception {
    Path out = Files.createTempFile("lakeops-sql-server", ".out");
    Path err = Files.createTempFile("lakeops-sql-server", ".err");
    Process dev =
        CliProcess.start(
            home,
            Map.of(
                "LAKEOPS_SQL_TOKEN",
                TOKEN,
                "LAKEOPS_MLFLOW_TRACKING_URI",
                MlflowTestServer.server().url()),
            out,
            err,
            "sql-server",
            "--env",
            "dev",
            "--port",
            "0");
    try {
      int port = Integer.parseInt(waitForStart(dev, out, err).group(1));
      List<JsonNode> token =
          python(
              Map.of(),
              "connect_client.py",
              "token",
              "sc://127.0.0.1:" + port,
              "sc://localhost:" + port + "/;token=wrong-" + TOKEN);
      assertThat(token).hasSize(2).allSatisfy(check -> assertOk(check));
      // pyspark sends a token in clear text only to "localhost"; it takes it from the environment.
      List<JsonNode> attacks =
          python(
              Map.of("SPARK_CONNECT_AUTHENTICATE_TOKEN", TOKEN),
              "connect_client.py",
              "attack",
              "sc://localhost:" + port,
              environments.storageRoot("prod"));
      Map<String, JsonNode> byCheck = new LinkedHashMap<>();
      attacks.forEach(check -> byCheck.put(check.get("check").asText(), check));
      assertThat(byCheck.values()).allSatisfy(check -> assertOk(check));
      assertThat(byCheck)
          .containsKeys(
              "reads prod",
              "INSERT INTO prod",
              "CREATE TABLE prod.x.y",
              "write by path into prod's root",
              "SQL SET spark.lakeops.access.write",
              "conf.set spark.lakeops.access.write",
              "conf.set spark.sql.catalog.prod",
              "write through a catalog of the client's own",
              "create through a catalog of the client's own",
              "a second client session: INSERT INTO prod");
      assertThat(detail(byCheck, "INSERT INTO prod"))
          .startsWith(
              "(lakeops.access.AccessDeniedException) AccessDenied: environment 'dev' may not "
                  + "INSERT INTO prod.monitoring.alerts (writable only from: prod)");
      assertThat(detail(byCheck, "SQL SET spark.lakeops.access.write"))
          .contains(
              "AccessDenied: environment 'dev' may not SET spark.lakeops.access.write (fixed when");
      assertThat(detail(byCheck, "write by path into prod's root"))
          .contains("AccessDenied: environment 'dev' may not");
      assertThat(detail(byCheck, "write through a catalog of the client's own"))
          .contains("AccessDenied: environment 'dev' may not INSERT INTO prod.monitoring.alerts");
      assertThat(detail(byCheck, "create through a catalog of the client's own"))
          .contains("AccessDenied: environment 'dev' may not CREATE TABLE mine.monitoring");
      assertThat(detail(byCheck, "policy environment")).isEqualTo("dev");
    } finally {
      dev.destroy(); // SIGTERM
    }
    assertThat(dev.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(dev.exitValue()).isEqualTo(143);
    assertThat(Files.readString(out) + Files.readString(err)).doesNotContain(TOKEN);
    assertThat(home.lakehouseDir().resolve("prod/monitoring/sneaky_path")).doesNotExist();
    assertThat(
            SessionFactory.create(environments, "prod")
                .sql("SHOW TABLES IN prod.monitoring LIKE 'sneaky*'")
                .count())
        .isZero();
  }

  @Test
  void everyNotebookRunsAgainstTheEndpointAndSeesTheLake() throws Exception {
    Path notebooks = TestHome.projectDir().resolve("notebooks");
    Path executed = TestHome.projectDir().resolve("target/notebooks");
    List<JsonNode> runs =
        python(
            Map.of(
                SqlServerProperties.REMOTE_ENV,
                prodServer.url(),
                "MLFLOW_TRACKING_URI",
                MlflowTestServer.server().url()),
            "run_notebooks.py",
            notebooks.toString(),
            executed.toString());
    assertThat(runs).hasSizeGreaterThanOrEqualTo(5);
    assertThat(runs)
        .allSatisfy(
            run -> {
              assertThat(run.get("error").isNull()).as(run.toString()).isTrue();
              assertThat(run.get("missing")).as(run.toString()).isEmpty();
              assertThat(run.get("images").asInt()).as(run.toString()).isPositive();
            });
  }

  private static void assertOk(JsonNode check) {
    assertThat(check.get("ok").asBoolean()).as(check.toString()).isTrue();
  }

  private static String detail(Map<String, JsonNode> checks, String name) {
    return checks.get(name).get("detail").asText();
  }

  private static SqlServerSpec spec() {
    return SqlServerSpec.builder().port(0).build();
  }

  private static Map<String, String> tracking() {
    return Map.of("LAKEOPS_MLFLOW_TRACKING_URI", MlflowTestServer.server().url());
  }

  /** Runs a script of this test's resources with the project venv's python; its JSON lines. */
  private static List<JsonNode> python(Map<String, String> env, String script, String... args)
      throws Exception {
    Path python = TestHome.projectDir().resolve(".venv/bin/python");
    Path source =
        TestHome.projectDir().resolve("src/test/resources/lakeops/sqlserver").resolve(script);
    List<String> command = new ArrayList<>(List.of(python.toString(), source.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("lakeops-connect", ".out");
    Path err = Files.createTempFile("lakeops-connect", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("SPARK_CONNECT_AUTHENTICATE_TOKEN");
    builder.environment().putAll(env);
    Process process = builder.start();
    // A guard against a hung client, not a speed check.
    assertThat(process.waitFor(600, TimeUnit.SECONDS)).as(script + " finished").isTrue();
    String printed = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as("%s %s\n%s\n%s", script, args[0], printed, tail(Files.readString(err)))
        .isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : printed.lines().filter(l -> l.startsWith("{")).toList()) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static String tail(String text) {
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  private static Matcher waitForStart(Process process, Path out, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (System.nanoTime() < deadline) {
      Matcher matcher = STARTED.matcher(Files.readString(out));
      if (matcher.find()) {
        return matcher;
      }
      assertThat(process.isAlive())
          .as("lakeops sql-server exited: %s", Files.readString(err))
          .isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("lakeops sql-server did not start: " + Files.readString(err));
  }

  /** A logistic regression on one feature table, tuned over two candidates: cheap to train. */
  private static Path writeTinyModel() throws IOException {
    Path file = home.resolve("conf/models/sql_tour.yml");
    Files.writeString(
        file,
        """
        name: sql_tour
        description: a tiny flight-delay model for the notebooks
        labels:
          table: gold.flights
          label: CAST(is_delayed AS DOUBLE)
          timestamp: flight_time
          columns: [origin, destination, distance_miles]
        features:
          - table: features.origin_delay_stats
            lookup_keys: [origin]
            timestamp_lookup_key: flight_time
            lookback: 35d
            features: [origin_delay_avg_7d, origin_flights_7d]
        split: {validation: 0.2, test: 0.2}
        pipeline:
          - name: calendar
            stage: sql
            params:
              statement: SELECT *, CAST(hour(flight_time) AS DOUBLE) AS hour_of_day, CAST(origin_flights_7d AS DOUBLE) AS o_f7, CAST(distance_miles AS DOUBLE) AS distance FROM __THIS__
          - stage: imputer
            params: {input_cols: [origin_delay_avg_7d, o_f7], output_cols: [o_delay_7d_i, o_f7_i]}
          - stage: vector_assembler
            params: {input_cols: [o_delay_7d_i, o_f7_i, hour_of_day, distance], output_col: features, handle_invalid: keep}
          - name: lr
            stage: logistic_regression
            params: {max_iter: 10}
        tuning:
          grid:
            lr.reg_param: [0.0, 0.1]
        metrics: [areaUnderROC, accuracy]
        """);
    return file;
  }

  /**
   * {@code prod.ml.deployments} and {@code prod.ml.predictions} in the shapes the deploy and
   * inference steps write, with a few rows, so the deployment-history notebook reads real tables.
   */
  private static void writeDeploymentTables(SparkSession spark) {
    spark.sql("CREATE SCHEMA IF NOT EXISTS prod.ml");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS prod.ml.deployments (decided_at TIMESTAMP, environment STRING,"
            + " model STRING, version INT, previous_champion INT, action STRING, result STRING,"
            + " metric STRING, challenger_metric DOUBLE, champion_metric DOUBLE, checks"
            + " ARRAY<STRUCT<name: STRING, value: STRING, threshold: STRING, passed: BOOLEAN>>,"
            + " actor STRING, comment STRING) USING delta");
    spark.sql(
        "INSERT INTO prod.ml.deployments VALUES (TIMESTAMP'2024-03-01 10:00:00', 'prod',"
            + " 'prod.ml.sql_tour', 1, NULL, 'promote', 'promoted', 'areaUnderROC', 0.71, NULL,"
            + " array(named_struct('name', 'min_auc', 'value', '0.71', 'threshold', '0.6',"
            + " 'passed', true)), 'ci', 'first champion'), (TIMESTAMP'2024-03-08 10:00:00',"
            + " 'prod', 'prod.ml.sql_tour', 2, 1, 'promote', 'rejected', 'areaUnderROC', 0.69,"
            + " 0.71, array(named_struct('name', 'beats_champion', 'value', '0.69', 'threshold',"
            + " '0.71', 'passed', false)), 'scheduler', 'challenger worse')");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS prod.ml.predictions (origin STRING, destination STRING,"
            + " flight_time TIMESTAMP, timestamp TIMESTAMP, prediction DOUBLE, probability DOUBLE,"
            + " label DOUBLE, model_name STRING, model_version STRING, input_table STRING,"
            + " input_version BIGINT, scored_at TIMESTAMP, labelled_at TIMESTAMP) USING delta");
    spark.sql(
        "INSERT INTO prod.ml.predictions SELECT origin, destination, flight_time, flight_time,"
            + " CAST(id % 3 = 0 AS DOUBLE), (id % 10) / 10.0, CAST(is_delayed AS DOUBLE),"
            + " 'prod.ml.sql_tour', CAST(1 + id % 2 AS STRING), 'prod.gold.flights', 0,"
            + " current_timestamp(), current_timestamp() FROM (SELECT *, monotonically_increasing_id()"
            + " AS id FROM prod.gold.flights LIMIT 200)");
  }
}
