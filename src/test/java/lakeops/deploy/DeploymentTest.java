package lakeops.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lakeops.access.AccessDeniedException;
import lakeops.env.Environments;
import lakeops.exceptions.InvalidConfigException;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTableSpec;
import lakeops.features.WriteMode;
import lakeops.jobs.JobMain;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.Tracking;
import lakeops.session.SessionFactory;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.SharedSpark;
import lakeops.training.ModelTraining;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Validation, promotion with approval, rejection, rollback and copies, in prod, on one small lake
 * (1,200 flights, one feature table) and a real MLflow server. Three versions of one model: v1
 * (origin only, the first champion), v2 (distance only: worse) and v3 (origin, hour and the
 * origin's delay history: better).
 */
@ExtendWith(MlflowTestServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentTest extends SharedSpark {

  private static final String MODEL = "deploy_test";
  private static final String REGISTERED = "prod.ml." + MODEL;

  private static Environments environments;
  private static SparkSession prod;
  private static Deployments deployments;
  private static ModelRegistry registry;
  private static DeploymentConfig config;

  /** What an in-process run of {@code lakeops deploy …} printed and returned. */
  private record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void buildLakeAndTrainThreeVersions() {
    environments =
        Environments.load(
            home(), Map.of("LAKEOPS_MLFLOW_TRACKING_URI", MlflowTestServer.server().url())::get);
    prod = SessionFactory.newSession(spark(), environments, "prod");
    createTables();
    ModelTraining training = ModelTraining.of(prod, home(), environments.get("prod"));
    training.trainAndPublish(modelFile("v1", "is_ord"));
    training.trainAndPublish(modelFile("v2", "distance"));
    training.trainAndPublish(modelFile("v3", "is_ord, hour_of_day, origin_delay_1d_i"));
    write(
        "conf/deployment/" + MODEL + ".yml",
        """
        model: %s
        model_config: conf/models/%s_v1.yml
        holdout: {rows: 300}
        checks:
          signature: true
          required_tags: [mlflow.source.git.commit, lakeops.feature_table_versions]
          metric_thresholds: ["test_areaUnderROC >= 0.6", "holdout_areaUnderROC >= 0.6"]
          max_model_size_mb: 20
          max_training_data_age_days: 30
        compare_to_champion: {metric: areaUnderROC, tolerance: 0.01}
        """
            .formatted(MODEL, MODEL));
    deployments = Deployments.of(prod, environments, "prod");
    config = deployments.config(MODEL);
    registry = Tracking.forEnvironment(home(), environments.get("prod")).registry();
  }

  @Test
  @Order(1)
  void failedValidationExitsNonZeroListingTheFailingChecks() {
    Run run = deploy("validate", "--env", "prod", "--model", MODEL, "--version", "2");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .as(run.err())
        .contains("signature", "tag mlflow.source.git.commit", "FAIL", "PASS");
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .startsWith("Error: Cannot validate model " + REGISTERED + " version 2: failing checks: ")
        .contains("champion_comparison areaUnderROC", "metric holdout_areaUnderROC")
        .doesNotContain("signature");
    assertThat(champion()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void worseChallengerIsRefusedAndTheChampionStays() {
    Decision refused = deployments.promote(config, 2, "ci", null);

    assertThat(refused.result()).isEqualTo("FAILED");
    assertThat(refused.previousChampion()).isEqualTo(1);
    assertThat(refused.challengerMetric()).isLessThan(refused.championMetric() - 0.01);
    assertThat(refused.failedChecks())
        .extracting(CheckResult::name)
        .contains("champion_comparison areaUnderROC");
    assertThat(champion()).isEqualTo(1);
    assertThat(registry.version(REGISTERED, 2).tags())
        .containsEntry(DeployProperties.STATUS_TAG, "FAILED")
        .containsEntry(DeployProperties.ACTION_TAG, "promote");
    assertThat(registry.version(REGISTERED, 2).stage()).isEqualTo("None");
  }

  @Test
  @Order(3)
  void betterChallengerWaitsForApprovalInProdAndRejectKeepsTheChampion() {
    Decision pending = deployments.promote(config, 3, "ci", null);

    assertThat(pending.result()).isEqualTo("PENDING_APPROVAL");
    assertThat(pending.allPassed()).isTrue();
    assertThat(pending.challengerMetric()).isGreaterThan(pending.championMetric());
    assertThat(champion()).isEqualTo(1);
    assertThat(deployments.status(MODEL, 5).pendingApproval()).containsExactly(3);

    Run rejected =
        deploy("reject", "--env", "prod", "--model", MODEL, "--actor", "bob", "--comment", "no");
    assertThat(rejected.exitCode()).as(rejected.err()).isZero();
    assertThat(rejected.out()).contains("reject " + REGISTERED + " version 3: REJECTED");
    assertThat(champion()).isEqualTo(1);
    assertThat(registry.version(REGISTERED, 3).tags())
        .containsEntry(DeployProperties.STATUS_TAG, "REJECTED")
        .containsEntry(DeployProperties.ACTOR_TAG, "bob");
    assertThatThrownBy(() -> deployments.approve(MODEL, 3, "alice", null))
        .hasMessage(
            "Cannot approve model "
                + REGISTERED
                + " version 3: it is not waiting for approval (status: REJECTED)");
  }

  @Test
  @Order(4)
  void approvedPromotionMakesTheChampion() {
    assertThat(deployments.promote(config, 3, "ci", null).result()).isEqualTo("PENDING_APPROVAL");

    Run approved =
        deploy("approve", "--env", "prod", "--model", MODEL, "--actor", "alice", "--comment", "ok");

    assertThat(approved.exitCode()).as(approved.err()).isZero();
    assertThat(champion()).isEqualTo(3);
    assertThat(registry.version(REGISTERED, 3).stage()).isEqualTo("Production");
    assertThat(registry.version(REGISTERED, 1).stage()).isEqualTo("Archived");
    assertThat(registry.version(REGISTERED, 3).tags())
        .containsEntry(DeployProperties.STATUS_TAG, "PROMOTED")
        .containsEntry(DeployProperties.ACTOR_TAG, "alice")
        .containsEntry(DeployProperties.COMMENT_TAG, "ok")
        .containsEntry(DeployProperties.PREVIOUS_CHAMPION_TAG, "1");
  }

  @Test
  @Order(5)
  void rollbackRestoresThePreviousChampion() {
    Decision rolledBack = deployments.rollback(MODEL, "carol", "latency");

    assertThat(rolledBack.result()).isEqualTo("ROLLED_BACK");
    assertThat(rolledBack.version()).isEqualTo(1);
    assertThat(rolledBack.previousChampion()).isEqualTo(3);
    assertThat(champion()).isEqualTo(1);
    assertThat(registry.version(REGISTERED, 1).stage()).isEqualTo("Production");
    assertThat(registry.version(REGISTERED, 3).stage()).isEqualTo("Archived");
    assertThatThrownBy(() -> deployments.rollback(MODEL, "carol", null))
        .hasMessageContaining("Cannot roll back model " + REGISTERED + ": champion version 1");
  }

  @Test
  @Order(6)
  void everyDecisionIsAnAuditRow() {
    Dataset<Row> rows = prod.table("prod.ml.deployments").where("model = '" + REGISTERED + "'");

    assertThat(rows.schema().toDDL()).isEqualTo(DecisionLog.SCHEMA.toDDL());
    assertThat(
            rows.orderBy("decided_at")
                .selectExpr("concat(action, ' ', version, ' ', result)")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly(
            "validate 2 FAILED",
            "promote 2 FAILED",
            "promote 3 PENDING_APPROVAL",
            "reject 3 REJECTED",
            "promote 3 PENDING_APPROVAL",
            "approve 3 PROMOTED",
            "rollback 1 ROLLED_BACK");
    Row approval = rows.where("action = 'approve'").first();
    assertThat(approval.getAs("actor").toString()).isEqualTo("alice");
    assertThat((Integer) approval.getAs("previous_champion")).isEqualTo(1);
    Row refusal = rows.where("action = 'promote' AND result = 'FAILED'").first();
    assertThat(refusal.getAs("metric").toString()).isEqualTo("areaUnderROC");
    assertThat(refusal.getList(refusal.fieldIndex("checks"))).hasSize(8);

    DeploymentStatus status = deployments.status(MODEL, 3);
    assertThat(status.champion()).isEqualTo(1);
    assertThat(status.decisions()).extracting(Decision::action).startsWith("rollback", "approve");
  }

  @Test
  @Order(7)
  void devMayNotDeployNorCopyIntoProd() {
    Deployments dev = Deployments.of(spark(), environments, "dev");

    assertThatThrownBy(() -> dev.approve(REGISTERED, 3, "mallory", null))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage(
            "AccessDenied: environment 'dev' may not APPROVE MODEL "
                + REGISTERED
                + " (writable only from: prod)");
    assertThatThrownBy(() -> dev.copy("dev", "prod", MODEL, 1, null, "mallory"))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage(
            "AccessDenied: environment 'dev' may not COPY MODEL INTO "
                + REGISTERED
                + " (writable only from: prod)");
    assertThat(champion()).isEqualTo(1);
  }

  @Test
  @Order(8)
  void copiesAVersionWithItsLineageTags() {
    Deployments dev = Deployments.of(spark(), environments, "dev");

    Decision copied = dev.copy("prod", "dev", MODEL, 3, null, "dana");
    Decision again = dev.copy("prod", "dev", MODEL, 3, null, "dana");

    assertThat(copied.model()).isEqualTo("dev.ml." + MODEL);
    assertThat(again.version()).isEqualTo(copied.version());
    var version = registry.version("dev.ml." + MODEL, copied.version());
    assertThat(version.tags())
        .containsEntry(DeployProperties.COPIED_FROM_TAG, "models:/" + REGISTERED + "/3")
        .containsEntry("lakeops.environment", "prod")
        .containsKey("lakeops.feature_table_versions")
        .doesNotContainKey(DeployProperties.STATUS_TAG);
    assertThat(version.runId()).isEqualTo(registry.version(REGISTERED, 3).runId());
    assertThat(
            spark()
                .table("dev.ml.deployments")
                .where("action = 'copy' AND result = 'COPIED' AND actor = 'dana'")
                .count())
        .isEqualTo(2);
  }

  @Test
  void configErrorsNameTheFileAndKey() {
    Path file = write("conf/deployment/bad_key.yml", "model: m\nchecks: {signatur: true}\n");
    assertThatThrownBy(() -> DeploymentConfig.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Invalid deployment file " + file + ": unknown key 'checks.signatur'");
    Path type = write("conf/deployment/bad_type.yml", "model: m\nholdout: {rows: many}\n");
    assertThatThrownBy(() -> DeploymentConfig.load(type))
        .hasMessageStartingWith(
            "Invalid deployment file " + type + ": bad value for key 'holdout.rows'");
    Path rule =
        write(
            "conf/deployment/bad_rule.yml", "model: m\nchecks: {metric_thresholds: [auc >> 1]}\n");
    assertThatThrownBy(() -> DeploymentConfig.load(rule))
        .hasMessageStartingWith(
            "Invalid deployment file "
                + rule
                + ": key 'checks.metric_thresholds[0]': Invalid threshold 'auc >> 1'");
    assertThat(
            DeploymentConfig.load(home().resolve("conf/deployment/flight_delay.yml")).thresholds())
        .extracting(DeploymentConfig.Threshold::metric)
        .containsExactly("test_areaUnderROC");
  }

  private static int champion() {
    return registry.model(REGISTERED).orElseThrow().aliases().get("champion");
  }

  private static Run deploy(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The CLI acts through the test's prod session: a JVM hosts one session per environment.
    CommandLine command =
        JobMain.commandLine(
            new DeployJob(
                environments,
                name ->
                    name.equals("prod")
                        ? prod
                        : SessionFactory.newSession(spark(), environments, name)));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int code = command.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Flights whose delays depend on the origin (ORD) and the hour; a daily origin feature table. */
  private static void createTables() {
    prod.sql("CREATE SCHEMA IF NOT EXISTS prod.deploy_test");
    StructType schema =
        new StructType()
            .add("flight_time", DataTypes.TimestampType)
            .add("origin", DataTypes.StringType)
            .add("distance_miles", DataTypes.IntegerType)
            .add("delay_minutes", DataTypes.IntegerType);
    String[] airports = {"ORD", "SFO", "JFK", "SEA"};
    Random random = new Random(11);
    Instant start = Instant.parse("2024-03-01T00:00:00Z");
    List<Row> flights = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      Instant time = start.plusSeconds(random.nextInt(40 * 24 * 3600));
      String origin = airports[random.nextInt(4)];
      int hour = time.atZone(java.time.ZoneOffset.UTC).getHour();
      double risk = (origin.equals("ORD") ? 0.6 : 0.1) + (hour >= 17 ? 0.3 : 0.0);
      int delay = random.nextDouble() < risk ? 20 + random.nextInt(60) : random.nextInt(10);
      flights.add(
          RowFactory.create(Timestamp.from(time), origin, 300 + random.nextInt(2000), delay));
    }
    prod.createDataFrame(flights, schema)
        .write()
        .format("delta")
        .mode("overwrite")
        .saveAsTable("prod.deploy_test.flights");
    Dataset<Row> origin =
        prod.sql(
            "SELECT origin, CAST(date_add(to_date(flight_time), 1) AS TIMESTAMP) AS feature_time,"
                + " avg(delay_minutes) AS origin_delay_avg_1d FROM prod.deploy_test.flights"
                + " GROUP BY 1, 2");
    FeatureStore store = FeatureStore.of(prod);
    store.createTable(
        FeatureTableSpec.builder("prod.deploy_test.origin_stats")
            .primaryKeys("origin")
            .timestampKey("feature_time")
            .build(),
        origin.schema());
    store.writeTable("prod.deploy_test.origin_stats", origin, WriteMode.OVERWRITE);
  }

  /** A logistic regression on {@code inputs}, registered as prod.ml.deploy_test. */
  private static Path modelFile(String suffix, String inputs) {
    return write(
        "conf/models/" + MODEL + "_" + suffix + ".yml",
        """
        name: %s
        labels:
          table: deploy_test.flights
          label: CAST(delay_minutes > 15 AS DOUBLE)
          timestamp: flight_time
          columns: [distance_miles]
        features:
          - table: deploy_test.origin_stats
            lookup_keys: [origin]
            timestamp_lookup_key: flight_time
            lookback: 7d
        split: {validation: 0.0, test: 0.25}
        pipeline:
          - stage: sql
            params:
              statement: SELECT *, CAST(hour(flight_time) AS DOUBLE) AS hour_of_day, CAST(origin = 'ORD' AS DOUBLE) AS is_ord, CAST(distance_miles AS DOUBLE) AS distance FROM __THIS__
          - stage: imputer
            params: {input_cols: [origin_delay_avg_1d], output_cols: [origin_delay_1d_i]}
          - stage: vector_assembler
            params: {input_cols: [%s], output_col: features, handle_invalid: keep}
          - stage: logistic_regression
            params: {max_iter: 10}
        metrics: [areaUnderROC]
        """
            .formatted(MODEL, inputs));
  }

  private static Path write(String relative, String text) {
    Path file = home().resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
