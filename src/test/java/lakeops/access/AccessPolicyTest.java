package lakeops.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;

/** The policy read from environments/*.yml, without Spark. */
class AccessPolicyTest {

  private final LakeOpsHome home = TestHome.create("access-policy");
  private final Environments environments = Environments.load(home, name -> null);

  @Test
  void defaultPolicyReadsProdAndWritesOnlyItsOwnCatalog() {
    for (String env : new String[] {"dev", "staging"}) {
      AccessCheck prodTable = AccessControl.check(environments, env, "prod.features.t");
      assertThat(prodTable.canRead()).isTrue();
      assertThat(prodTable.canWrite()).isFalse();
      assertThat(prodTable.writers()).containsExactly("prod");
      assertThat(AccessControl.check(environments, env, env + ".features.t").canWrite()).isTrue();
    }
    AccessCheck prodReadsDev = AccessControl.check(environments, "prod", "dev.features.t");
    assertThat(prodReadsDev.canRead()).isFalse();
    assertThat(prodReadsDev.canWrite()).isFalse();
    assertThat(AccessControl.check(environments, "prod", "prod.features.t").canWrite()).isTrue();
    assertThat(AccessControl.check(environments, "staging", "dev.features.t").canRead()).isFalse();
  }

  @Test
  void pathsResolveToTheirEnvironmentByRootPrefix() {
    AccessPolicy dev = AccessPolicy.of(environments, "dev");
    String prodRoot = environments.storageRoot("prod");
    assertThat(dev.targetOfPath(prodRoot + "/features/t/part-0.parquet"))
        .isEqualTo(Target.named("prod", "prod.features.t"));
    assertThat(dev.targetOfPath(prodRoot.replace("file://", "") + "/features"))
        .isEqualTo(Target.named("prod", "prod.features"));
    assertThat(dev.targetOfPath(prodRoot + "2/features/t").catalog()).isNull();
    assertThat(dev.readOnlyRoots()).containsExactlyInAnyOrder(
        StorageRoot.of(prodRoot).toString(), StorageRoot.of(environments.storageRoot("staging")).toString());
  }

  @Test
  void refusalHasOneMessageShape() {
    AccessPolicy staging = AccessPolicy.fromConf(
        withEnvironment(AccessPolicy.of(environments, "staging").toConf(), "staging")).orElseThrow();
    assertThatThrownBy(() -> staging.checkWrite("MERGE INTO",
        staging.targetInCatalog("prod", "features.flight_features")))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage("AccessDenied: environment 'staging' may not MERGE INTO "
            + "prod.features.flight_features (writable only from: prod)");
    assertThatThrownBy(() -> staging.checkRead(staging.targetInCatalog("dev", "x.y")))
        .hasMessage("AccessDenied: environment 'staging' may not READ dev.x.y "
            + "(readable only from: dev)");
    assertThatThrownBy(() -> staging.checkWrite("CREATE TABLE",
        staging.targetInCatalog("spark_catalog", "default.t")))
        .hasMessage("AccessDenied: environment 'staging' may not CREATE TABLE spark_catalog.default.t "
            + "(writable only from: none)");
  }

  @Test
  void s3aRootsGetPerBucketReadOnlyCredentials() throws IOException {
    java.nio.file.Path prodFile = home.environmentsDir().resolve("prod.yml");
    Files.writeString(prodFile, Files.readString(prodFile).replace("storage:\n",
        "storage:\n  s3:\n    read_only_access_key: ${PROD_RO_KEY}\n"
            + "    read_only_secret_key: ${PROD_RO_SECRET}\n    endpoint: http://127.0.0.1:9000\n"));
    Map<String, String> variables = Map.of("LAKEOPS_PROD_ROOT", "s3a://prod-lake/tables",
        "PROD_RO_KEY", "ro-key", "PROD_RO_SECRET", "ro-secret");
    Environments s3 = Environments.load(home, variables::get);

    Map<String, String> dev = AccessControl.sparkConf(s3, s3.get("dev"));
    assertThat(dev).containsEntry("spark.hadoop.fs.s3a.bucket.prod-lake.access.key", "ro-key")
        .containsEntry("spark.hadoop.fs.s3a.bucket.prod-lake.secret.key", "ro-secret")
        .containsEntry("spark.hadoop.fs.s3a.bucket.prod-lake.endpoint", "http://127.0.0.1:9000");
    assertThat(AccessControl.sparkConf(s3, s3.get("prod")))
        .doesNotContainKey("spark.hadoop.fs.s3a.bucket.prod-lake.access.key");
  }

  @Test
  void readOnlyRootsRefuseChangesButProvisioningMayCreateEveryRoot() throws IOException {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    AccessControl.sparkConf(environments, environments.get("dev")).forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        conf.set(key.substring("spark.hadoop.".length()), value);
      }
    });
    org.apache.hadoop.fs.Path prodSchema =
        new org.apache.hadoop.fs.Path(environments.storageRoot("prod") + "/bronze");
    org.apache.hadoop.fs.FileSystem devFs = prodSchema.getFileSystem(conf);
    assertThat(devFs).isInstanceOf(ReadOnlyRootsFileSystem.class);
    assertThatThrownBy(() -> devFs.mkdirs(prodSchema))
        .isInstanceOf(org.apache.hadoop.security.AccessControlException.class)
        .hasMessageStartingWith("AccessDenied: environment 'dev' may not create folder ");

    lakeops.catalog.Catalogs.provision(environments.get("prod"), conf);

    assertThat(devFs.exists(prodSchema)).isTrue();
    assertThatThrownBy(() -> devFs.delete(prodSchema, true))
        .isInstanceOf(org.apache.hadoop.security.AccessControlException.class);
  }

  private static Map<String, String> withEnvironment(Map<String, String> conf, String env) {
    Map<String, String> copy = new java.util.HashMap<>(conf);
    copy.put(AccessProperties.ENVIRONMENT, env);
    return copy;
  }
}
