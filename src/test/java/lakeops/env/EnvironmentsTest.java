package lakeops.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lakeops.exceptions.InvalidConfigException;
import lakeops.session.SessionFactory;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {

  private LakeOpsHome home;

  @BeforeEach
  void freshHome() {
    home = TestHome.create("environments-test");
  }

  private Path write(String env, String yaml) throws IOException {
    Path file = home.environmentsDir().resolve(env + ".yml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void shippedEnvironmentsFollowTheAccessRules() {
    Environments environments = Environments.load(home, name -> null);
    Environment dev = environments.get("dev");
    assertThat(dev.catalogs().read()).containsExactly("dev", "prod");
    assertThat(dev.catalogs().write()).containsExactly("dev");
    assertThat(environments.get("staging").catalogs().read()).containsExactly("staging", "prod");
    assertThat(environments.get("staging").catalogs().write()).containsExactly("staging");
    assertThat(environments.get("prod").catalogs().read()).containsExactly("prod");
    assertThat(environments.get("prod").catalogs().write()).containsExactly("prod");
    assertThat(dev.storageRoot())
        .isEqualTo(home.lakehouseDir().resolve("dev").toUri().toString().replaceAll("/$", ""));
    assertThat(dev.mlflow().usesEmbeddedServer()).isTrue();
    assertThat(dev.visibleCatalogs()).containsExactly("dev", "prod");
  }

  @Test
  void substitutesVariablesWithDefaults() {
    Environments environments =
        Environments.load(
            home,
            Map.of(
                    "LAKEOPS_PROD_ROOT",
                    "s3a://lake/prod",
                    "LAKEOPS_MLFLOW_TRACKING_URI",
                    "http://mlflow:5000")
                ::get);
    assertThat(environments.get("prod").storageRoot()).isEqualTo("s3a://lake/prod");
    assertThat(environments.get("prod").mlflow().trackingUri()).isEqualTo("http://mlflow:5000");
    assertThat(environments.get("dev").storageRoot()).startsWith("file:");
  }

  @Test
  void unknownKeyNamesFileAndKey() throws IOException {
    Path file =
        write("dev", "name: dev\nstorage:\n  root: x\ncatalogs:\n  read: [dev]\n  wrte: [dev]\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown key 'catalogs.wrte'")
        .hasMessageContaining("write");
  }

  @Test
  void wrongTypeNamesFileAndKey() throws IOException {
    Path file = write("dev", "name: dev\nstorage:\n  root: x\njob_cluster:\n  workers: many\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'job_cluster.workers'");
  }

  @Test
  void missingRootNamesFileAndKey() throws IOException {
    Path file = write("dev", "name: dev\nstorage: {}\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Invalid environment file " + file + ": key 'storage.root' missing");
  }

  @Test
  void badValuesAreRefused() throws IOException {
    write("dev", "name: dev\nstorage:\n  root: x\njob_cluster:\n  workers: 0\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .hasMessageContaining("'job_cluster.workers' must be at least 1");
    write("dev", "name: other\nstorage:\n  root: x\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .hasMessageContaining("key 'name' 'other' must match the file name 'dev'");
    write("dev", "name: dev\nstorage:\n  root: gs://bucket/x\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .hasMessageContaining("scheme 'gs' is not supported");
    write("dev", "name: dev\nstorage:\n  root: x\ncatalogs:\n  read: [dev, qa]\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .hasMessageContaining("names catalog 'qa', which is no environment");
  }

  @Test
  void unsetVariableNamesTheKey() throws IOException {
    write(
        "dev",
        "name: dev\nstorage:\n  root: x\n  s3:\n    secret_key: ${LAKEOPS_TEST_UNSET_SECRET}\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .hasMessageContaining(
            "key 'storage.s3.secret_key' refers to environment variable "
                + "LAKEOPS_TEST_UNSET_SECRET, which is not set");
  }

  @Test
  void unknownEnvironmentListsKnownOnes() {
    assertThatThrownBy(() -> Environments.load(home, name -> null).get("qa"))
        .hasMessageContaining("Unknown environment 'qa'")
        .hasMessageContaining("known: dev, prod, staging");
  }

  @Test
  void invalidYamlNamesTheFile() throws IOException {
    Path file = write("dev", "name: dev\nstorage: [\n");
    assertThatThrownBy(() -> Environments.load(home, name -> null))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void sessionConfRegistersReadableCatalogsAndDelta() {
    Environments environments = Environments.load(home, name -> null);
    Map<String, String> conf = SessionFactory.sparkConf(environments, environments.get("staging"));
    assertThat(conf)
        .containsEntry("spark.sql.defaultCatalog", "staging")
        .containsEntry("spark.sql.catalog.staging", "lakeops.catalog.EnvironmentCatalog")
        .containsEntry("spark.sql.catalog.prod.root", environments.storageRoot("prod"))
        .containsEntry(
            "spark.sql.extensions",
            "io.delta.sql.DeltaSparkSessionExtension,lakeops.access.AccessControlExtension")
        .doesNotContainKey("spark.sql.catalog.dev");
  }
}
