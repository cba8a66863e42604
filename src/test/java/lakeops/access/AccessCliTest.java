package lakeops.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.testing.CliProcess;
import lakeops.testing.CliProcess.Result;
import lakeops.testing.SharedSpark;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/lakeops} refusing a write into prod from dev and a change of the access settings, and
 * {@code lakeops access check}.
 */
class AccessCliTest extends SharedSpark {

  @Test
  void sqlDeleteFromProdInDevExitsWithOneLine() {
    LakeOpsHome home = TestHome.create("access-cli");
    String table = Environments.load(home).storageRoot("prod") + "/x/y";
    // The test JVM's own roots are another home's: this path is under none of them.
    spark().sql("SELECT 1 AS id").write().format("delta").save(table);

    Result delete = CliProcess.run(home, Map.of(), "sql", "--env", "dev", "DELETE FROM prod.x.y");

    assertThat(delete.exitCode()).as(delete.stderr()).isEqualTo(1);
    // bin/lakeops may print its build's terminal codes before the line.
    assertThat(errorLines(delete))
        .containsExactly(
            "Error: AccessDenied: environment 'dev' may not DELETE FROM prod.x.y "
                + "(writable only from: prod)");
    assertThat(spark().read().format("delta").load(table).count()).isEqualTo(1L);

    Result tamper =
        CliProcess.run(
            home,
            Map.of(),
            "sql",
            "--env",
            "dev",
            "SET spark.lakeops.access.write=dev,prod; SET spark.lakeops.access.readOnlyRoots=file:///nowhere; "
                + "DELETE FROM prod.x.y");
    assertThat(tamper.exitCode()).as(tamper.stderr()).isEqualTo(1);
    assertThat(errorLines(tamper))
        .containsExactly(
            "Error: AccessDenied: environment 'dev' may not SET "
                + "spark.lakeops.access.write (fixed when the session is built)");
    assertThat(spark().read().format("delta").load(table).count()).isEqualTo(1L);

    Result check = CliProcess.run(home, Map.of(), "access", "check", "--env", "dev", "prod.x.y");
    assertThat(check.exitCode()).as(check.stderr()).isZero();
    assertThat(check.stdout().lines())
        .contains(
            "environment: dev",
            "read:        allowed",
            "write:       denied (writable only from: prod)");
  }

  private static java.util.List<String> errorLines(Result result) {
    return result
        .stderr()
        .lines()
        .filter(line -> line.contains("Error: "))
        .map(line -> line.substring(line.indexOf("Error: ")))
        .toList();
  }
}
