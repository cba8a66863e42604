package lakeops.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lakeops.access.AccessDeniedException;
import lakeops.catalog.Catalogs;
import lakeops.catalog.DeltaLogStores;
import lakeops.catalog.S3ConditionalWriteLogStore;
import lakeops.config.MaskedYaml;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.InvalidConfigException;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTableSpec;
import lakeops.features.WriteMode;
import lakeops.ingest.IngestResult;
import lakeops.ingest.Medallion;
import lakeops.monitoring.Monitors;
import lakeops.monitoring.RefreshResult;
import lakeops.sample.FlightsGenerator;
import lakeops.session.SessionFactory;
import lakeops.testing.S3ProxyServer;
import lakeops.testing.SharedSpark;
import lakeops.testing.TestHome;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Environments on {@code s3a://} against real S3-compatible servers on loopback: S3Proxy (in this
 * JVM) for the lakehouse work, and moto's server with IAM access control on for the credentials:
 * there dev holds read-only keys for prod's bucket, so the server itself refuses dev's writes when
 * LakeOps' guard is out of the way.
 */
class S3StorageTest extends SharedSpark {

  private static final String KEY = S3ProxyServer.ACCESS_KEY;
  private static final String SECRET = S3ProxyServer.SECRET_KEY;

  private static S3ProxyServer proxy;
  private static Environments lake;
  private static SparkSession prod;
  private static SparkSession dev;

  private static Path motoDir;
  private static Environments iam;

  @BeforeAll
  static void startServers() throws Exception {
    spark();
    proxy = S3ProxyServer.start(List.of("lake-dev", "lake-staging", "lake-prod"));
    LakeOpsHome home = TestHome.create("s3");
    for (String env : List.of("dev", "staging", "prod")) {
      writeEnvironment(
          home,
          env,
          "s3a://lake-" + env + "/lakehouse",
          """
              endpoint: ${S3_ENDPOINT}
              region: us-east-1
              path_style_access: true
              access_key: ${S3_KEY}
              secret_key: ${S3_SECRET}
              read_only_access_key: ${S3_KEY}
              read_only_secret_key: ${S3_SECRET}
              options: {connection.maximum: "20"}
          """);
    }
    Map<String, String> variables =
        Map.of("S3_ENDPOINT", proxy.endpoint(), "S3_KEY", KEY, "S3_SECRET", SECRET);
    lake = Environments.load(home, variables::get);
    prod = SessionFactory.newSession(spark(), lake, "prod");
    dev = SessionFactory.newSession(spark(), lake, "dev");
    Catalogs.provision(lake.get("prod"), hadoopConf(prod));
    Catalogs.provision(lake.get("dev"), hadoopConf(dev));

    motoDir = TestHome.projectDir().resolve("target").resolve("s3-test").resolve("moto");
    startMoto();
    LakeOpsHome iamHome = TestHome.create("s3-iam");
    Files.delete(iamHome.environmentsDir().resolve("staging.yml"));
    for (String env : List.of("dev", "prod")) {
      writeEnvironment(
          iamHome,
          env,
          "s3a://lakeops-iam-" + env + "/lake",
          """
              endpoint: ${MOTO_ENDPOINT}
              region: us-east-1
              path_style_access: true
              credentials_file: ${MOTO_CREDENTIALS}
              profile: lakeops-%1$s
              read_only_profile: lakeops-%1$s-ro
              log_store: conditional-writes
          """
              .formatted(env));
    }
    Map<String, String> motoVariables =
        Map.of(
            "MOTO_ENDPOINT",
            motoEndpoint,
            "MOTO_CREDENTIALS",
            motoDir.resolve("credentials").toString());
    iam = Environments.load(iamHome, motoVariables::get);
  }

  @AfterAll
  static void stopServers() throws Exception {
    // The cached clients of the buckets, so their threads end with the servers.
    for (String bucket : List.of("lake-dev", "lake-staging", "lake-prod")) {
      FileSystem.get(URI.create("s3a://" + bucket + "/"), hadoopConf(prod)).close();
    }
    for (String bucket : List.of("lakeops-iam-dev", "lakeops-iam-prod")) {
      FileSystem.get(URI.create("s3a://" + bucket + "/"), plainConf(iam, "prod")).close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (motoDir != null) {
      s3Server("stop").waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void catalogCreatesListsAndDropsTablesInTheBucket() throws IOException {
    prod.sql("CREATE SCHEMA IF NOT EXISTS prod.scratch");
    prod.sql("CREATE TABLE prod.scratch.t (id INT, name STRING)");
    prod.sql("INSERT INTO prod.scratch.t VALUES (1, 'a'), (2, 'b')");
    assertThat(strings(prod.sql("SHOW TABLES IN prod.scratch").select("tableName"))).contains("t");
    assertThat(strings(prod.sql("SHOW SCHEMAS IN prod"))).contains("scratch", "gold", "features");
    assertThat(objects(lake, "dev", "s3a://lake-prod/lakehouse/scratch/t"))
        .containsKey("_delta_log/00000000000000000000.json");
    assertThat(prod.sql("SELECT count(*) FROM prod.scratch.t").first().getLong(0)).isEqualTo(2);

    prod.sql("DROP TABLE prod.scratch.t");
    assertThat(strings(prod.sql("SHOW TABLES IN prod.scratch").select("tableName")))
        .doesNotContain("t");
    assertThat(objects(lake, "dev", "s3a://lake-prod/lakehouse/scratch/t")).isEmpty();
  }

  @Test
  void ingestsALandingFolderInTheBucketIntoBronze() {
    String landing = "s3a://lake-dev/landing/flights";
    FlightsGenerator.flights(300).seed(1).write(dev, landing, "parquet", 2);
    Medallion medallion = Medallion.of(dev, lake.home());
    String bronze = "dev.bronze.flights_s3";
    IngestResult first = medallion.ingest(landing, bronze, "parquet", null, 10);
    assertThat(first.rowsRead()).isEqualTo(300);
    assertThat(medallion.ingest(landing, bronze, "parquet", null, 10).batches()).isZero();
    assertThat(dev.sql("SELECT count(*) FROM dev.bronze.flights_s3").first().getLong(0))
        .isEqualTo(300);
  }

  @Test
  void writesAFeatureTableAndReadsItPointInTime() throws Exception {
    FeatureStore features = FeatureStore.of(prod);
    var schema = prod.sql("SELECT 1 AS k, TIMESTAMP'2024-01-01 00:00:00' AS t, 1.0D AS v").schema();
    features.createTable(
        FeatureTableSpec.builder("prod.features.s3_daily")
            .primaryKeys("k")
            .timestampKey("t")
            .build(),
        schema);
    features.writeTable(
        "prod.features.s3_daily",
        prod.sql(
            "SELECT * FROM VALUES (1, TIMESTAMP'2024-01-01 00:00:00', 1.0D),"
                + " (1, TIMESTAMP'2024-01-03 00:00:00', 3.0D) AS f(k, t, v)"),
        WriteMode.MERGE);
    var labels =
        prod.sql(
            "SELECT * FROM VALUES (1, TIMESTAMP'2024-01-02 00:00:00'),"
                + " (1, TIMESTAMP'2024-01-04 00:00:00'), (1, TIMESTAMP'2023-12-31 00:00:00')"
                + " AS l(k, t)");
    List<Row> rows =
        features
            .createTrainingSet(labels, FeatureLookup.of("prod.features.s3_daily").on("k").asOf("t"))
            .data()
            .orderBy("t")
            .select("v")
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.isNullAt(0) ? null : r.getDouble(0))
        .containsExactly(null, 1.0, 3.0);
  }

  @Test
  void mergeTimeTravelAndVacuumWorkOnS3() throws IOException {
    prod.sql("CREATE SCHEMA IF NOT EXISTS prod.scratch");
    prod.sql("CREATE OR REPLACE TABLE prod.scratch.m (id INT, v STRING)");
    prod.sql("INSERT INTO prod.scratch.m VALUES (1, 'a'), (2, 'b')");
    prod.sql(
        "MERGE INTO prod.scratch.m t USING (SELECT * FROM VALUES (2, 'B'), (3, 'c') AS s(id, v)) s"
            + " ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v"
            + " WHEN NOT MATCHED THEN INSERT *");
    assertThat(strings(prod.sql("SELECT * FROM prod.scratch.m ORDER BY id")))
        .containsExactly("[1,a]", "[2,B]", "[3,c]");
    assertThat(strings(prod.sql("SELECT * FROM prod.scratch.m VERSION AS OF 1 ORDER BY id")))
        .containsExactly("[1,a]", "[2,b]");

    long before = dataFiles("s3a://lake-prod/lakehouse/scratch/m");
    prod.sql("SET spark.databricks.delta.retentionDurationCheck.enabled = false");
    try {
      prod.sql("VACUUM prod.scratch.m RETAIN 0 HOURS");
    } finally {
      prod.sql("RESET spark.databricks.delta.retentionDurationCheck.enabled");
    }
    long after = dataFiles("s3a://lake-prod/lakehouse/scratch/m");
    assertThat(after).isLessThan(before);
    assertThat(strings(prod.sql("SELECT * FROM prod.scratch.m ORDER BY id")))
        .containsExactly("[1,a]", "[2,B]", "[3,c]");
  }

  @Test
  void refreshesAMonitorOfATableInTheBucket() throws IOException {
    prod.sql("CREATE SCHEMA IF NOT EXISTS prod.scratch");
    prod.sql(
        "CREATE OR REPLACE TABLE prod.scratch.scored AS SELECT"
            + " timestamp_millis(1704067200000L + (id % 3) * 86400000L) AS flight_time,"
            + " CASE WHEN id % 2 = 0 THEN 'SFO' ELSE 'JFK' END AS origin,"
            + " CAST(id % 40 AS DOUBLE) AS delay_minutes FROM range(300)");
    Path monitors = lake.home().confDir().resolve("monitors");
    Files.createDirectories(monitors);
    Files.writeString(
        monitors.resolve("s3_scored.yml"),
        """
        name: s3_scored
        table: scratch.scored
        profile_type: time_series
        timestamp_col: flight_time
        granularities: ["1 day"]
        baseline: {version: 0}
        """);
    RefreshResult result = Monitors.of(prod, "prod", monitors).refresh("s3_scored");
    assertThat(result.recomputedWindows()).hasSize(3);
    assertThat(
            prod.sql(
                    "SELECT count(DISTINCT window) FROM prod.monitoring.s3_scored_profile_metrics"
                        + " WHERE column_name = 'delay_minutes' AND slice_key IS NULL")
                .first()
                .getLong(0))
        .isEqualTo(3);
    assertThat(objects(lake, "dev", "s3a://lake-prod/lakehouse/monitoring"))
        .containsKey("s3_scored_profile_metrics/_delta_log/00000000000000000000.json");
  }

  @Test
  void devIsRefusedProdsBucketByTheGuardAndByTheServer() throws Exception {
    SparkSession prodIam = SessionFactory.newSession(spark(), iam, "prod");
    SparkSession devIam = SessionFactory.newSession(spark(), iam, "dev");
    prodIam.sql("CREATE SCHEMA IF NOT EXISTS prod.gold");
    prodIam.sql("CREATE OR REPLACE TABLE prod.gold.scores AS SELECT id, id * 2 AS v FROM range(5)");
    String table = "s3a://lakeops-iam-prod/lake/gold/scores";
    Map<String, String> before = objects(iam, "dev", table);
    assertThat(before).containsKey("_delta_log/00000000000000000000.json");

    // 1. LakeOps' guard, in dev's session.
    assertThatThrownBy(() -> devIam.sql("INSERT INTO prod.gold.scores VALUES (9, 9)"))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageStartingWith(
            "AccessDenied: environment 'dev' may not INSERT INTO prod.gold.scores");
    assertThat(devIam.sql("SELECT count(*) FROM prod.gold.scores").first().getLong(0)).isEqualTo(5);

    // 2. No guard: plain hadoop-aws with the credentials dev's sessions hold.
    try (FileSystem plain = FileSystem.newInstance(URI.create(table), plainConf(iam, "dev"))) {
      org.apache.hadoop.fs.Path commit =
          new org.apache.hadoop.fs.Path(table + "/_delta_log/00000000000000000001.json");
      assertThatThrownBy(
              () -> {
                try (OutputStream out = plain.create(commit, true)) {
                  out.write("{}".getBytes(StandardCharsets.UTF_8));
                }
              })
          .isInstanceOf(java.nio.file.AccessDeniedException.class)
          .hasMessageContaining("403");
      org.apache.hadoop.fs.Path first =
          new org.apache.hadoop.fs.Path(table + "/_delta_log/00000000000000000000.json");
      assertThatThrownBy(() -> plain.delete(first, false))
          .isInstanceOf(java.nio.file.AccessDeniedException.class);
      assertThat(plain.exists(first)).isTrue();
    }
    // Dev writes its own bucket with its own keys.
    try (FileSystem plain =
        FileSystem.newInstance(URI.create("s3a://lakeops-iam-dev/"), plainConf(iam, "dev"))) {
      try (OutputStream out =
          plain.create(new org.apache.hadoop.fs.Path("s3a://lakeops-iam-dev/x"))) {
        out.write(1);
      }
    }
    assertThat(objects(iam, "dev", table)).isEqualTo(before);
  }

  @Test
  void conditionalWritesMakeConcurrentCommitsSafe() throws Exception {
    SparkSession prodIam = SessionFactory.newSession(spark(), iam, "prod");
    prodIam.sql("CREATE SCHEMA IF NOT EXISTS prod.scratch");
    assertThat(prodIam.conf().get(DeltaLogStores.S3A_LOG_STORE))
        .isEqualTo(S3ConditionalWriteLogStore.class.getName());
    Configuration conf = plainConf(iam, "prod");
    S3ConditionalWriteLogStore store = new S3ConditionalWriteLogStore(conf);
    org.apache.hadoop.fs.Path commit =
        new org.apache.hadoop.fs.Path(
            "s3a://lakeops-iam-prod/race/_delta_log/00000000000000000000.json");
    store.write(commit, List.of("{\"first\":1}").iterator(), false, conf);
    assertThatThrownBy(() -> store.write(commit, List.of("{\"second\":2}").iterator(), false, conf))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    try (var lines = store.read(commit, conf)) {
      assertThat(lines.next()).isEqualTo("{\"first\":1}");
    }

    prodIam.sql("CREATE OR REPLACE TABLE prod.scratch.appends (id BIGINT)");
    List<CompletableFuture<Void>> writers =
        List.of(1, 2, 3).stream()
            .map(
                i ->
                    CompletableFuture.runAsync(
                        () -> prodIam.sql("INSERT INTO prod.scratch.appends VALUES (" + i + ")")))
            .toList();
    writers.forEach(CompletableFuture::join);
    assertThat(prodIam.sql("SELECT count(*) FROM prod.scratch.appends").first().getLong(0))
        .isEqualTo(3);
    assertThat(prodIam.sql("DESCRIBE HISTORY prod.scratch.appends").count()).isEqualTo(4);
  }

  @Test
  void secretsAreNeverInTheFileNorShown() throws IOException {
    String shown =
        MaskedYaml.write(
            lake.get("dev"),
            Map.of("spark_session_conf", SessionFactory.sparkConf(lake, lake.get("dev"))));
    assertThat(shown)
        .contains("s3a://lake-dev/lakehouse")
        .contains("spark.hadoop.fs.s3a.bucket.lake-prod.secret.key: '****'")
        .doesNotContain(SECRET);
    assertThat(lake.get("dev").storage().s3().toString())
        .doesNotContain(SECRET)
        .doesNotContain(KEY);

    LakeOpsHome literal = TestHome.create("s3-literal");
    writeEnvironment(
        literal, "dev", "s3a://lake-dev/x", "    secret_key: not-a-reference-" + SECRET + "\n");
    assertThatThrownBy(() -> Environments.load(literal, Map.<String, String>of()::get))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("key 'storage.s3.secret_key' must be an environment variable")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  private static void writeEnvironment(LakeOpsHome home, String env, String root, String s3)
      throws IOException {
    Path file = home.environmentsDir().resolve(env + ".yml");
    String text =
        Files.readString(file)
            .replaceFirst(
                "(?m)^  root: .*$",
                java.util.regex.Matcher.quoteReplacement(
                    "  root: " + root + "\n  s3:\n" + s3.stripTrailing()))
            .replace("shuffle.partitions: \"8\"", "shuffle.partitions: \"2\"");
    Files.writeString(file, text);
  }

  private static String motoEndpoint;

  private static void startMoto() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    motoEndpoint = "http://127.0.0.1:" + port;
    Process start = s3Server("start", "LAKEOPS_S3_PORT", String.valueOf(port));
    String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(start.waitFor(600, TimeUnit.SECONDS)).isTrue();
    assertThat(start.exitValue()).as(out).isZero();
    assertThat(out.strip()).isEqualTo(motoEndpoint);
  }

  private static Process s3Server(String command, String... variables) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                TestHome.projectDir().resolve("scripts").resolve("s3-server").toString(), command)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("LAKEOPS_S3_DIR", motoDir.toString());
    builder.environment().put("LAKEOPS_S3_ENVIRONMENTS", "dev prod");
    builder.environment().put("LAKEOPS_S3_BUCKET_PREFIX", "lakeops-iam-");
    for (int i = 0; i + 1 < variables.length; i += 2) {
      builder.environment().put(variables[i], variables[i + 1]);
    }
    if (motoEndpoint != null) {
      builder.environment().putIfAbsent("LAKEOPS_S3_PORT", URI.create(motoEndpoint).getPort() + "");
    }
    return builder.start();
  }

  private static Configuration hadoopConf(SparkSession session) {
    return ((org.apache.spark.sql.classic.SparkSession) session).sessionState().newHadoopConf();
  }

  /** A Hadoop conf with only the S3 settings and credentials {@code env}'s sessions get. */
  private static Configuration plainConf(Environments environments, String env) {
    Configuration conf = new Configuration();
    SessionFactory.sparkConf(environments, environments.get(env))
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark.hadoop.fs.s3a.")) {
                conf.set(key.substring("spark.hadoop.".length()), value);
              }
            });
    return conf;
  }

  /** The objects under {@code prefix} (relative names → length and etag), read as {@code env}. */
  private static Map<String, String> objects(Environments environments, String env, String prefix)
      throws IOException {
    Map<String, String> found = new TreeMap<>();
    try (FileSystem fs = FileSystem.newInstance(URI.create(prefix), plainConf(environments, env))) {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(prefix);
      if (!fs.exists(root)) {
        return found;
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      String base = fs.makeQualified(root).toString() + "/";
      while (files.hasNext()) {
        LocatedFileStatus file = files.next();
        String etag =
            file instanceof org.apache.hadoop.fs.EtagSource source ? source.getEtag() : "";
        found.put(file.getPath().toString().substring(base.length()), file.getLen() + "/" + etag);
      }
    }
    return found;
  }

  private static long dataFiles(String table) throws IOException {
    return objects(lake, "prod", table).keySet().stream()
        .filter(name -> name.endsWith(".parquet"))
        .count();
  }

  private static List<String> strings(org.apache.spark.sql.Dataset<Row> rows) {
    return rows.collectAsList().stream()
        .map(r -> r.size() == 1 ? String.valueOf(r.get(0)) : "[" + r.mkString(",") + "]")
        .toList();
  }
}
