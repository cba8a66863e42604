package lakeops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import lakeops.env.LakeOpsHome;
import lakeops.testing.CliProcess;
import lakeops.testing.CliProcess.Result;
import lakeops.testing.SharedSpark;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code lakeops} command line: SQL on Delta tables in this JVM (on its own project and storage
 * roots), and {@code bin/lakeops} as a user runs it for what a process shows: exit codes, one-line
 * errors, masked secrets. (Separate processes sharing only the storage roots are {@code
 * ArchitectureIT}'s: each environment of the quickstart runs in its own.)
 */
class CliTest extends SharedSpark {

  private static LakeOpsHome home;

  @BeforeAll
  static void freshHome() {
    spark();
    home = TestHome.create("cli");
  }

  private static Result inProcess(String... args) {
    return InProcessLakeOps.run(home, args);
  }

  private static Result lakeops(String... args) {
    return CliProcess.run(home, Map.of(), args);
  }

  @Test
  void sqlCreatesChangesMaintainsAndDropsDeltaTables() {
    Result create =
        inProcess(
            "sql",
            "--env",
            "dev",
            "CREATE SCHEMA IF NOT EXISTS dev.scratch; "
                + "CREATE TABLE dev.scratch.t (id INT, name STRING); "
                + "INSERT INTO dev.scratch.t VALUES (1, 'one'), (2, 'two, with comma'), (3, NULL)");
    assertThat(create.exitCode()).as(create.stderr()).isZero();

    Result csv =
        inProcess(
            "sql",
            "--env",
            "dev",
            "--format",
            "csv",
            "SELECT id, name FROM dev.scratch.t ORDER BY id");
    assertThat(csv.exitCode()).as(csv.stderr()).isZero();
    assertThat(csv.stdout().lines())
        .containsExactly("id,name", "1,one", "2,\"two, with comma\"", "3,");

    Result change =
        inProcess(
            "sql",
            "--env",
            "dev",
            "MERGE INTO dev.scratch.t t USING (SELECT 3 AS id, 'three' AS name) s ON t.id = s.id "
                + "WHEN MATCHED THEN UPDATE SET name = s.name; "
                + "UPDATE dev.scratch.t SET name = 'uno' WHERE id = 1; DELETE FROM dev.scratch.t WHERE id = 2");
    assertThat(change.exitCode()).as(change.stderr()).isZero();

    Result json =
        inProcess(
            "sql",
            "--env",
            "dev",
            "--format",
            "json",
            "SELECT id, name FROM dev.scratch.t ORDER BY id; "
                + "SELECT count(*) AS n FROM dev.scratch.t VERSION AS OF 1");
    assertThat(json.exitCode()).as(json.stderr()).isZero();
    assertThat(json.stdout().lines())
        .containsExactly(
            "{\"id\":1,\"name\":\"uno\"}", "{\"id\":3,\"name\":\"three\"}", "{\"n\":3}");

    Result history =
        inProcess("sql", "--env", "dev", "--format", "json", "DESCRIBE HISTORY dev.scratch.t");
    assertThat(history.exitCode()).as(history.stderr()).isZero();
    assertThat(history.stdout().lines().findFirst().orElseThrow())
        .contains("\"version\":4")
        .contains("\"operation\":\"DELETE\"");

    Result maintain =
        inProcess(
            "sql",
            "--env",
            "dev",
            "--format",
            "csv",
            "OPTIMIZE dev.scratch.t; VACUUM dev.scratch.t; ALTER TABLE dev.scratch.t ADD COLUMNS (note STRING); "
                + "RESTORE TABLE dev.scratch.t TO VERSION AS OF 1; SELECT count(*) AS n FROM dev.scratch.t");
    assertThat(maintain.exitCode()).as(maintain.stderr()).isZero();
    assertThat(maintain.stdout().lines().toList()).endsWith("n", "3");

    Result table = inProcess("sql", "SHOW TABLES IN dev.scratch");
    assertThat(table.stdout()).contains("| scratch   | t         |").contains("(1 row)");

    Result drop = inProcess("sql", "--env", "dev", "DROP TABLE dev.scratch.t");
    assertThat(drop.exitCode()).as(drop.stderr()).isZero();
    assertThat(home.lakehouseDir().resolve("dev/scratch/t")).doesNotExist();
  }

  @Test
  void failingSqlExitsNonZeroWithOneLine() {
    Result result = lakeops("sql", "--env", "dev", "SELECT * FROM dev.scratch.no_such_table");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).isEmpty();
    String[] errorLines =
        result.stderr().lines().filter(l -> l.startsWith("Error: ")).toArray(String[]::new);
    assertThat(errorLines).hasSize(1);
    assertThat(errorLines[0]).contains("TABLE_OR_VIEW_NOT_FOUND").contains("no_such_table");
    assertThat(result.stderr()).doesNotContain("\tat ");
  }

  @Test
  void badEnvironmentFileFailsNamingFileAndKey() throws Exception {
    LakeOpsHome broken = TestHome.create("cli-broken");
    Files.writeString(
        broken.environmentsDir().resolve("staging.yml"),
        "name: staging\nstorage:\n  root: x\nspark:\n  mastr: local\n");
    Result result = CliProcess.run(broken, Map.of(), "env", "show", "--env", "dev");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .contains(
            "Error: Invalid environment file "
                + broken.environmentsDir().resolve("staging.yml")
                + ": unknown key 'spark.mastr'");
  }

  @Test
  void envShowMasksSecrets() throws Exception {
    LakeOpsHome withSecret = TestHome.create("cli-secret");
    Files.writeString(
        withSecret.environmentsDir().resolve("dev.yml"),
        Files.readString(withSecret.environmentsDir().resolve("dev.yml"))
            .replace(
                "storage:\n",
                "storage:\n  s3:\n    endpoint: http://127.0.0.1:9000\n"
                    + "    access_key: ${LAKEOPS_TEST_KEY}\n    secret_key: ${LAKEOPS_TEST_SECRET}\n"));
    Result result =
        CliProcess.run(
            withSecret,
            Map.of(
                "LAKEOPS_TEST_KEY", "AKIAEXAMPLEKEY", "LAKEOPS_TEST_SECRET", "very-secret-value"),
            "env",
            "show",
            "--env",
            "dev");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains("name: dev")
        .contains("endpoint: http://127.0.0.1:9000")
        .contains("secret_key: '****'")
        .contains("spark.hadoop.fs.s3a.secret.key: '****'")
        .doesNotContain("very-secret-value")
        .doesNotContain("AKIAEXAMPLEKEY");
  }

  @Test
  void helpListsCommands() {
    Result result = lakeops("--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout())
        .contains("quickstart")
        .contains("sql")
        .contains("env")
        .contains("mlflow");
  }
}
