package lakeops.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import lakeops.access.AccessRoute.Place;
import lakeops.session.SessionFactory;
import lakeops.testing.SharedSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The route matrix: every write route from dev and staging into prod is refused with one message
 * shape and leaves prod's history as it was; prod may take every route on its own tables; dev and
 * staging read prod. Sessions of staging and prod share the test JVM's SparkContext.
 */
class AccessControlTest extends SharedSpark {

  private static SparkSession staging;
  private static SparkSession prod;
  private static Place prodTable;

  @BeforeAll
  static void prodTable() {
    staging = SessionFactory.newSession(spark(), environments(), "staging");
    prod = SessionFactory.newSession(spark(), environments(), "prod");
    prodTable = place("acc");
    prod.sql("DROP SCHEMA IF EXISTS prod.acc CASCADE");
    prod.sql("CREATE SCHEMA prod.acc");
    prod.sql("CREATE TABLE prod.acc.t (id BIGINT, v STRING) USING delta");
    prod.sql("INSERT INTO prod.acc.t VALUES (1, 'a'), (2, 'b')");
    writeParquet(prodTable);
  }

  /** The plain Parquet folder next to a table that CONVERT TO DELTA turns into a Delta table. */
  private static void writeParquet(Place place) {
    prod.range(3).write().mode("overwrite").parquet(place.path() + "_parquet");
  }

  private static Place place(String schema) {
    String root = environments().storageRoot("prod");
    return new Place(
        "prod." + schema,
        "prod." + schema + ".t",
        root + "/" + schema + "/t",
        home().root().resolve("checkpoints").resolve(schema).toString());
  }

  static Stream<Arguments> refusals() {
    return Stream.of("dev", "staging")
        .flatMap(env -> AccessRoute.all().stream().map(route -> Arguments.of(env, route)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("refusals")
  void refusesEveryWriteRouteIntoProd(String env, AccessRoute route) {
    SparkSession session = env.equals("dev") ? spark() : staging;
    String version = latestVersion();

    assertThatThrownBy(() -> route.action().accept(session, prodTable))
        .satisfies(
            error ->
                assertThat(accessDenied(error))
                    .as("refusal in the causes of %s", error)
                    .hasMessage(
                        "AccessDenied: environment '%s' may not %s %s (writable only from: prod)",
                        env, route.operation(), prodTable.expected(route.target())));

    assertThat(latestVersion()).as("prod history").isEqualTo(version);
  }

  @ParameterizedTest(name = "prod: {0}")
  @MethodSource("routes")
  void prodTakesEveryRouteOnItsOwnTables(AccessRoute route) throws java.io.IOException {
    Place own = place("own_" + Math.abs(route.name().hashCode()));
    prod.sql("CREATE SCHEMA " + own.schema());
    prod.sql("CREATE TABLE " + own.table() + " USING delta AS SELECT 1L AS id, 'a' AS v");
    prepare(route.name(), own);
    String before = files(own);

    route.action().accept(prod, own);

    assertThat(files(own)).as("prod's files after %s", route).isNotEqualTo(before);
  }

  /**
   * Gives a route something to do: OPTIMIZE needs small files, VACUUM stale ones, REORG deletions.
   */
  private static void prepare(String route, Place own) throws java.io.IOException {
    if (route.contains("RESTORE") || route.contains("optimize") || route.contains("OPTIMIZE")) {
      prod.sql("INSERT INTO " + own.table() + " VALUES (2, 'b')");
    }
    if (route.contains("CONVERT")) {
      writeParquet(own);
    }
    if (route.contains("REORG")) {
      prod.sql(
          "ALTER TABLE "
              + own.table()
              + " SET TBLPROPERTIES ('delta.enableDeletionVectors' = true)");
      prod.sql(
          "INSERT INTO " + own.table() + " SELECT /*+ REPARTITION(1) */ id, 'b' FROM range(2, 12)");
      prod.sql("DELETE FROM " + own.table() + " WHERE id = 2");
    }
    if (route.contains("VACUUM") || route.contains("vacuum")) {
      java.nio.file.Path stale = localFolder(own.path()).resolve("stale-part-00000.parquet");
      java.nio.file.Files.writeString(stale, "unreferenced");
      java.nio.file.Files.setLastModifiedTime(
          stale,
          java.nio.file.attribute.FileTime.from(
              java.time.Instant.now().minus(java.time.Duration.ofDays(30))));
    }
  }

  /**
   * Every file under the route's schema folders, with size and time: what a landed write changes.
   */
  private static String files(Place own) throws java.io.IOException {
    java.nio.file.Path schema = localFolder(own.path()).getParent();
    List<String> entries = new java.util.ArrayList<>();
    for (java.nio.file.Path folder :
        List.of(schema, schema.resolveSibling(schema.getFileName() + "_new"))) {
      if (!java.nio.file.Files.exists(folder)) {
        continue;
      }
      try (Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(folder)) {
        walk.sorted()
            .forEach(
                f -> entries.add(f + ":" + f.toFile().length() + ":" + f.toFile().lastModified()));
      }
    }
    return String.join("\n", entries);
  }

  private static java.nio.file.Path localFolder(String location) {
    return java.nio.file.Path.of(java.net.URI.create(location));
  }

  static Stream<AccessRoute> routes() {
    return AccessRoute.all().stream();
  }

  @Test
  void devAndStagingReadProd() {
    for (SparkSession session : List.of(spark(), staging)) {
      assertThat(session.sql("SELECT count(*) FROM prod.acc.t").first().getLong(0)).isEqualTo(2L);
      assertThat(session.read().format("delta").load(prodTable.path()).count()).isEqualTo(2L);
      assertThat(io.delta.tables.DeltaTable.forName(session, "prod.acc.t").toDF().count())
          .isEqualTo(2L);
      assertThat(session.sql("DESCRIBE HISTORY prod.acc.t").count()).isGreaterThan(0L);
    }
  }

  @Test
  void refusesProdReadingDevByPath() {
    spark().sql("CREATE SCHEMA IF NOT EXISTS dev.acc");
    spark().sql("CREATE OR REPLACE TABLE dev.acc.d AS SELECT 1 AS id");
    String devPath = environments().storageRoot("dev") + "/acc/d";

    assertThatThrownBy(() -> prod.read().format("delta").load(devPath).count())
        .satisfies(
            error ->
                assertThat(accessDenied(error))
                    .hasMessage(
                        "AccessDenied: environment 'prod' may not READ dev.acc.d (readable only from: dev)"));
  }

  @Test
  void devWritesItsOwnCatalogFromProdData() {
    spark().sql("CREATE SCHEMA IF NOT EXISTS dev.acc");
    spark().sql("CREATE OR REPLACE TABLE dev.acc.copy AS SELECT * FROM prod.acc.t");
    spark()
        .sql(
            "MERGE INTO dev.acc.copy c USING prod.acc.t p ON c.id = p.id "
                + "WHEN MATCHED THEN UPDATE SET v = 'm'");
    spark()
        .read()
        .format("delta")
        .load(prodTable.path())
        .write()
        .mode("append")
        .saveAsTable("dev.acc.copy");
    assertThat(spark().sql("SELECT * FROM dev.acc.copy WHERE v = 'm'").collectAsList()).hasSize(2);
  }

  @Test
  void refusesFileSystemWritesUnderProdRootFromDev() throws Exception {
    Path intruder = new Path(environments().storageRoot("prod") + "/acc/intruder.txt");
    Path table = new Path(prodTable.path());
    for (Configuration conf :
        List.of(
            spark().sessionState().newHadoopConf(), spark().sparkContext().hadoopConfiguration())) {
      FileSystem fs = intruder.getFileSystem(conf);
      assertThatThrownBy(() -> fs.create(intruder))
          .isInstanceOf(AccessControlException.class)
          .hasMessageStartingWith("AccessDenied: environment 'dev' may not create ");
      assertThatThrownBy(() -> fs.delete(table, true)).isInstanceOf(AccessControlException.class);
      assertThatThrownBy(() -> fs.rename(table, new Path(table + "_moved")))
          .isInstanceOf(AccessControlException.class);
      assertThatThrownBy(
              () ->
                  FileContext.getFileContext(intruder.toUri(), conf)
                      .create(intruder, EnumSet.of(CreateFlag.CREATE)))
          .isInstanceOf(AccessControlException.class);
      assertThat(fs.exists(intruder)).isFalse();
      assertThat(fs.exists(new Path(table, "_delta_log"))).isTrue();
    }

    FileSystem prodFs = intruder.getFileSystem(prod.sessionState().newHadoopConf());
    prodFs.create(intruder).close();
    assertThat(prodFs.delete(intruder, false)).isTrue();
  }

  @Test
  void refusalsAreAuditedInTheActingEnvironment() {
    assertThatThrownBy(() -> staging.sql("DELETE FROM prod.acc.t WHERE id = 2 AND v = 'audited'"))
        .isInstanceOf(AccessDeniedException.class);

    var audit =
        staging
            .sql(
                "SELECT * FROM "
                    + AccessAudit.table("staging")
                    + " WHERE query_text LIKE '%audited%'")
            .collectAsList();
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).<String>getAs("environment")).isEqualTo("staging");
    assertThat(audit.get(0).<String>getAs("operation")).isEqualTo("DELETE FROM");
    assertThat(audit.get(0).<String>getAs("target")).isEqualTo("prod.acc.t");
    assertThat(audit.get(0).<String>getAs("user")).isNotBlank();
    assertThat(audit.get(0).<Object>getAs("time")).isNotNull();
  }

  /** The newest commit of prod's table, from its log folder (no Spark job). */
  private static String latestVersion() {
    try (Stream<java.nio.file.Path> log =
        java.nio.file.Files.list(
            java.nio.file.Path.of(java.net.URI.create(prodTable.path() + "/_delta_log")))) {
      return log.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".json"))
          .sorted()
          .reduce((a, b) -> b)
          .orElse("none");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static AccessDeniedException accessDenied(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AccessDeniedException denied) {
        return denied;
      }
    }
    throw new AssertionError("no AccessDeniedException in the causes of " + error, error);
  }
}
