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
    assertThat(dev.readOnlyRoots())
        .containsExactlyInAnyOrder(
            StorageRoot.of(prodRoot).toString(),
            StorageRoot.of(environments.storageRoot("staging")).toString());
  }

  @Test
  void refusalHasOneMessageShape() {
    AccessPolicy staging = AccessPolicy.of(environments, "staging");
    assertThatThrownBy(
            () ->
                staging.checkWrite(
                    "MERGE INTO", staging.targetInCatalog("prod", "features.flight_features")))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage(
            "AccessDenied: environment 'staging' may not MERGE INTO "
                + "prod.features.flight_features (writable only from: prod)");
    assertThatThrownBy(() -> staging.checkRead(staging.targetInCatalog("dev", "x.y")))
        .hasMessage(
            "AccessDenied: environment 'staging' may not READ dev.x.y "
                + "(readable only from: dev)");
    assertThatThrownBy(
            () ->
                staging.checkWrite(
                    "CREATE TABLE", staging.targetInCatalog("spark_catalog", "default.t")))
        .hasMessage(
            "AccessDenied: environment 'staging' may not CREATE TABLE spark_catalog.default.t "
                + "(writable only from: none)");
  }

  @Test
  void s3aRootsGetPerBucketReadOnlyCredentials() throws IOException {
    java.nio.file.Path prodFile = home.environmentsDir().resolve("prod.yml");
    Files.writeString(
        prodFile,
        Files.readString(prodFile)
            .replace(
                "storage:\n",
                "storage:\n  s3:\n    read_only_access_key: ${PROD_RO_KEY}\n"
                    + "    read_only_secret_key: ${PROD_RO_SECRET}\n    endpoint: http://127.0.0.1:9000\n"));
    Map<String, String> variables =
        Map.of(
            "LAKEOPS_PROD_ROOT",
            "s3a://prod-lake/tables",
            "PROD_RO_KEY",
            "ro-key",
            "PROD_RO_SECRET",
            "ro-secret");
    Environments s3 = Environments.load(home, variables::get);

    Map<String, String> dev = AccessControl.sparkConf(s3, s3.get("dev"));
    assertThat(dev)
        .containsEntry("spark.hadoop.fs.s3a.bucket.prod-lake.access.key", "ro-key")
        .containsEntry("spark.hadoop.fs.s3a.bucket.prod-lake.secret.key", "ro-secret")
        .containsEntry("spark.hadoop.fs.s3a.bucket.prod-lake.endpoint", "http://127.0.0.1:9000");
    assertThat(AccessControl.sparkConf(s3, s3.get("prod")))
        .doesNotContainKey("spark.hadoop.fs.s3a.bucket.prod-lake.access.key");
  }

  @Test
  void readOnlyRootsRefuseChangesProvisioningIncluded() throws IOException {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    AccessControl.sparkConf(environments, environments.get("dev"))
        .forEach(
            (key, value) -> {
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

    assertThatThrownBy(() -> lakeops.catalog.Catalogs.provision(environments.get("prod"), conf))
        .hasRootCauseInstanceOf(org.apache.hadoop.security.AccessControlException.class);
    assertThat(devFs.exists(prodSchema)).isFalse();

    lakeops.catalog.Catalogs.provision(environments.get("dev"), conf);
    assertThat(
            devFs.exists(
                new org.apache.hadoop.fs.Path(environments.storageRoot("dev") + "/bronze")))
        .isTrue();
  }

  @Test
  void pathsThroughLinksBelongToWhereTheLinksLead() throws IOException {
    AccessPolicy dev = AccessPolicy.of(environments, "dev");
    java.nio.file.Path devRoot = localRoot("dev");
    java.nio.file.Path prodTable = Files.createDirectories(localRoot("prod").resolve("s/t"));
    Files.createDirectories(devRoot.resolve("s"));
    java.nio.file.Path link = Files.createSymbolicLink(devRoot.resolve("s/link"), prodTable);
    java.nio.file.Path dangling =
        Files.createSymbolicLink(
            devRoot.resolve("s/dangling"), localRoot("prod").resolve("s/not_yet"));
    java.nio.file.Path scratch = Files.createTempDirectory("lakeops-link");
    java.nio.file.Path outside = Files.createSymbolicLink(scratch.resolve("into-prod"), prodTable);

    assertThat(dev.targetOfPath(link.toString())).isEqualTo(Target.named("prod", "prod.s.t"));
    assertThat(dev.targetOfPath(link + "/_delta_log/0.json"))
        .isEqualTo(Target.named("prod", "prod.s.t"));
    assertThat(dev.targetOfPath(dangling + "/x")).isEqualTo(Target.named("prod", "prod.s.not_yet"));
    assertThat(dev.targetOfPath(outside.toString()).catalog()).isEqualTo("prod");
    assertThat(dev.targetOfPath(devRoot + "/s/../../prod/s/t").catalog()).isEqualTo("prod");
    assertThat(dev.targetOfPath(devRoot.resolve("s/plain").toString()))
        .isEqualTo(Target.named("dev", "dev.s.plain"));
  }

  private java.nio.file.Path localRoot(String env) throws IOException {
    return Files.createDirectories(
        java.nio.file.Path.of(java.net.URI.create(environments.storageRoot(env))));
  }
}
