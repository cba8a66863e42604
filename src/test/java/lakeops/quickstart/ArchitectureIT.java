package lakeops.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.mlflow.Tracking;
import lakeops.session.SessionFactory;
import lakeops.sqlserver.SqlServer;
import lakeops.sqlserver.SqlServerProperties;
import lakeops.sqlserver.SqlServerSpec;
import lakeops.testing.CliProcess;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.tracking.MlflowClient;

/**
 * The whole reference architecture end to end, as CI runs it: {@code quickstart --small} (dev,
 * staging with its tests, prod with serving, drift, the alert and retraining, each environment in
 * its own JVM) builds the lake; then prod's SQL endpoint in this JVM and dev's as {@code
 * bin/lakeops sql-server} with a token, pyspark Spark Connect clients in their own processes (the
 * project venv), and every notebook of {@code notebooks/} executed headless against prod's
 * endpoint. One class on purpose: the lake is built once.
 */
@ExtendWith(MlflowTestServer.class)
class ArchitectureIT {

  private static final String TOKEN = "sql-token-4b9e1c";
  private static final Pattern STARTED =
      Pattern.compile(
          "SQL endpoint of environment dev on sc://127\\.0\\.0\\.1:(\\d+) \\(token required\\)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LakeOpsHome home;
  private static Environments environments;
  private static SqlServer prodServer;

  private static String quickstart;

  @BeforeAll
  static void buildLakeAndStartProdEndpoint() throws IOException {
    home = TestHome.create("architecture");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit =
        ReferenceArchitecture.of(home)
            .small(true)
            .stageEnvironment(tracking())
            .run(new PrintStream(new TeeOutputStream(printed, System.out), true));
    quickstart = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(quickstart).isZero();
    environments = Environments.load(home, tracking()::get);
    SparkSession spark = SessionFactory.create(environments, "prod");
    prodServer = SqlServer.start(spark, SqlServerSpec.builder().port(0).build());
  }

  @AfterAll
  static void stopProdEndpoint() {
    if (prodServer != null) {
      prodServer.close();
    }
  }

  @Test
  void quickstartRanEveryEnvironmentsStage() {
    assertThat(quickstart)
        .contains("######## dev ########", "######## staging ########", "######## prod ########")
        .contains("Running [dev, staging] side by side")
        .contains("[dev] promote dev.ml.flight_delay version ")
        .contains("[staging]   PASS feature store", "[staging]   PASS training")
        .contains("[staging]   PASS deployment", "[staging]   PASS batch inference")
        .contains("[staging]   PASS monitoring")
        .contains("alerts fired: [feature_drift")
        .contains("######## Summary");
    SparkSession prod = SessionFactory.create(environments, "prod");
    assertThat(prod.sql("SELECT count(*) FROM prod.ml.predictions").first().getLong(0))
        .isPositive();
    assertThat(
            prod.sql(
                    "SELECT count(DISTINCT version) FROM prod.ml.deployments"
                        + " WHERE actor = 'quickstart'")
                .first()
                .getLong(0))
        .as("the retrained version was decided on, as the quickstart")
        .isPositive();
    assertThat(quickstart).contains("retrained", "feature_drift fired: retrain");
    assertThat(home.lakehouseDir().resolve("quickstart/prod-monitor-report.html")).isNotEmptyFile();
    assertThat(quickstart)
        .containsPattern("model\\.test_areaUnderROC +0\\.\\d{4}")
        .contains("monitoring.report", "SQL endpoint: bin/lakeops sql-server --env prod");
    assertThat(prod.sql("SELECT count(*) FROM prod.ml.inference_log").first().getLong(0))
        .isPositive();
  }

  @Test
  void aRerunWithNothingChangedRunsNoStageAgain() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit =
        ReferenceArchitecture.of(home)
            .small(true)
            .stageEnvironment(tracking())
            .run(new PrintStream(printed, true, StandardCharsets.UTF_8));
    String rerun = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(rerun).isZero();
    for (String env : new String[] {"dev", "staging", "prod"}) {
      assertThat(rerun).contains("[" + env + "] unchanged since it last passed");
    }
    assertThat(rerun)
        .doesNotContain("==> ")
        .contains("######## Summary", "0.0; unchanged, last run ", "deploy.v1")
        .contains("SQL endpoint: bin/lakeops sql-server --env prod --port 15002");
  }

  @Test
  void devStageLogsItsRunToTheEnvironmentsServerAndProvisionsOnlyDev() {
    assertThat(quickstart)
        .contains("[dev]   rows=1000 mean_score=")
        .contains("[dev]   bronze dev.bronze.flights: batches=1 read=4000 ingested=4000")
        .contains("[dev]   dev.features.origin_delay_stats")
        .containsPattern("\\[dev\\] .*model=dev\\.ml\\.flight_delay");
    for (String env : new String[] {"staging", "prod"}) {
      assertThat(quickstart)
          .containsPattern(
              "\\[dev\\]   " + env + " .*\\(read-only from dev: its own sessions provision it\\)");
    }
    String runId =
        quickstart
            .lines()
            .filter(l -> l.startsWith("[dev]") && l.contains(" run="))
            .map(l -> l.replaceAll(".* run=(\\S+).*", "$1"))
            .findFirst()
            .orElseThrow();
    MlflowClient client = new MlflowClient(MlflowTestServer.server().url());
    Run run = client.getRun(runId);
    assertThat(run.getData().getParamsList())
        .anySatisfy(
            p -> {
              assertThat(p.getKey()).isEqualTo("table");
              assertThat(p.getValue()).isEqualTo("dev.gold.quickstart_numbers");
            });
    assertThat(client.getExperiment(run.getInfo().getExperimentId()).getName())
        .isEqualTo(
            Tracking.forEnvironment(home, environments.get("dev")).experimentName("quickstart"))
        .isEqualTo("/lakeops/dev/quickstart");
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

  /** Writes to two streams: the printed run is kept and shown. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeOutputStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}
