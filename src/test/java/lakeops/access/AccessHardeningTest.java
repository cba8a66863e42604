package lakeops.access;

import static lakeops.access.AccessControlTest.accessDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lakeops.session.SessionFactory;
import lakeops.testing.SharedSpark;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on the guard itself: settings, options, derived and unbound sessions, links, the raw file
 * system and the audit. Every attempt is refused with the one-line message and prod's table is left
 * as it was; prod's own sessions keep writing.
 */
class AccessHardeningTest extends SharedSpark {

  private static final String PROD_TABLE = "prod.hard.t";
  private static final String RAW_LOCAL = "org.apache.hadoop.fs.RawLocalFileSystem";

  private static SparkSession prod;
  private static SparkSession staging;
  private static String prodPath;
  private static Path devRoot;

  @BeforeAll
  static void prodTable() {
    prod = SessionFactory.newSession(spark(), environments(), "prod");
    staging = SessionFactory.newSession(spark(), environments(), "staging");
    prod.sql("DROP SCHEMA IF EXISTS prod.hard CASCADE");
    prod.sql("CREATE SCHEMA prod.hard");
    prod.sql("CREATE TABLE " + PROD_TABLE + " (id BIGINT, v STRING) USING delta");
    prod.sql("INSERT INTO " + PROD_TABLE + " VALUES (1, 'a'), (2, 'b')");
    prodPath = environments().storageRoot("prod") + "/hard/t";
    devRoot = localPath(environments().storageRoot("dev"));
    sql("CREATE SCHEMA IF NOT EXISTS dev.hard");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET spark.lakeops.access.write=dev,prod",
        "SET spark.lakeops.access.readOnlyRoots=file:///nowhere",
        "SET spark.lakeops.access.root.prod=file:///nowhere",
        "SET spark.lakeops.environment=prod",
        "SET fs.file.impl=" + RAW_LOCAL,
        "SET fs.AbstractFileSystem.file.impl=org.apache.hadoop.fs.local.RawLocalFs",
        "SET fs.file.impl.disable.cache=false",
        "SET spark.hadoop.fs.file.impl=" + RAW_LOCAL,
        "SET spark.sql.catalog.dev.root=file:///nowhere",
        "SET spark.sql.catalog.staging=lakeops.catalog.EnvironmentCatalog",
        "SET spark.delta.logStore.file.impl=org.apache.spark.sql.delta.storage.LocalLogStore",
        "RESET spark.lakeops.access.write",
        "RESET"
      })
  void refusesSqlChangingAccessSettings(String statement) {
    String key =
        statement.equals("RESET")
            ? "all session settings"
            : statement.substring(statement.indexOf(' ') + 1).split("=")[0];
    String verb =
        statement.substring(
            0, statement.indexOf(' ') < 0 ? statement.length() : statement.indexOf(' '));
    String version = prodVersion();

    assertThatThrownBy(() -> sql(statement))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage(
            "AccessDenied: environment 'dev' may not %s %s (fixed when the session is built)",
            verb, key);

    assertThat(auditRows("dev", key)).as("audited").isGreaterThanOrEqualTo(1L);
    assertRefusedWritingProd(spark(), "dev");
    assertThat(prodVersion()).isEqualTo(version);
  }

  @Test
  void refusesConfApiChangesOfAccessSettings() {
    String write = spark().conf().get(AccessProperties.WRITE);
    for (String key :
        List.of(
            AccessProperties.WRITE,
            AccessProperties.READ_ONLY_ROOTS,
            AccessProperties.ENVIRONMENT,
            "fs.file.impl",
            "fs.AbstractFileSystem.file.impl",
            "spark.sql.catalog.dev.root")) {
      assertThatThrownBy(() -> spark().conf().set(key, "tampered"))
          .as(key)
          .hasMessageContaining("static")
          .hasMessageContaining(key);
      assertThatThrownBy(() -> spark().conf().unset(key)).as(key).hasMessageContaining(key);
    }
    SparkSession same =
        SparkSession.builder()
            .config(AccessProperties.WRITE, "dev,prod")
            .config(AccessProperties.READ_ONLY_ROOTS, "")
            .config("fs.file.impl", RAW_LOCAL)
            .getOrCreate();

    assertThat(same.conf().get(AccessProperties.WRITE)).isEqualTo(write);
    assertRefusedWritingProd(same, "dev");
    assertRefusedWritingProd(spark(), "dev");
  }

  @Test
  void refusesOptionsNamingAccessSettings() {
    sql("CREATE TABLE IF NOT EXISTS dev.hard.own (id BIGINT, v STRING) USING delta");
    String version = prodVersion();

    assertThatThrownBy(
            () ->
                AccessRoute.rows(spark())
                    .write()
                    .format("delta")
                    .mode("append")
                    .option("fs.file.impl", RAW_LOCAL)
                    .saveAsTable("dev.hard.own"))
        .hasMessage(
            "AccessDenied: environment 'dev' may not OPTION fs.file.impl "
                + "(fixed when the session is built)");
    assertThatThrownBy(
            () ->
                AccessRoute.rows(spark())
                    .write()
                    .format("delta")
                    .mode("append")
                    .option(AccessProperties.READ_ONLY_ROOTS, "")
                    .save(prodPath))
        .satisfies(
            e ->
                assertThat(accessDenied(e).getMessage())
                    .containsIgnoringCase(
                        "OPTION "
                            + AccessProperties.READ_ONLY_ROOTS)); // options arrive lower-cased
    assertThatThrownBy(
            () ->
                spark()
                    .read()
                    .format("delta")
                    .option("fs.file.impl", RAW_LOCAL)
                    .load(prodPath)
                    .count())
        .satisfies(e -> assertThat(accessDenied(e)).hasMessageContaining("OPTION fs.file.impl"));
    assertThatThrownBy(
            () ->
                DeltaTable.forPath(spark(), prodPath, Map.of("fs.file.impl", RAW_LOCAL))
                    .delete("id = 1"))
        .satisfies(e -> assertThat(accessDenied(e)).isNotNull());

    assertThat(prodVersion()).isEqualTo(version);
    assertThat(sql("SELECT count(*) FROM dev.hard.own").first().getLong(0)).isZero();
  }

  @Test
  void derivedSessionsKeepTheirEnvironmentsPolicy() {
    SparkSession prodChild = prod.newSession();
    prodChild.sql("INSERT INTO " + PROD_TABLE + " VALUES (3, 'child')");
    assertThat(
            prod.sql("SELECT count(*) FROM " + PROD_TABLE + " WHERE v = 'child'")
                .first()
                .getLong(0))
        .as("prod's derived session wrote prod")
        .isEqualTo(1L);

    // A dev session made from a prod session, and what is derived from it, stay dev.
    SparkSession devFromProd = SessionFactory.newSession(prod, environments(), "dev");
    List<SparkSession> devSessions =
        List.of(
            spark().newSession(),
            staging.newSession(),
            devFromProd,
            devFromProd.newSession(),
            ((org.apache.spark.sql.classic.SparkSession) devFromProd).cloneSession());
    for (SparkSession session : devSessions) {
      String env = AccessControl.environment(session);
      assertThat(env).isIn("dev", "staging");
      assertRefusedWritingProd(session, env);
      assertThatThrownBy(() -> session.sql("RESET")).isInstanceOf(AccessDeniedException.class);
    }
    SparkSession devChild = devFromProd.newSession();
    assertThat(devChild.sql("SELECT current_catalog()").first().getString(0)).isEqualTo("dev");
    assertThat(devChild.conf().get(AccessProperties.ENVIRONMENT)).isEqualTo("dev");
  }

  @Test
  void anotherProjectsSessionLeavesTheRunningSessionAsItWas() {
    SparkSession before = SparkSession.getActiveSession().get();
    try {
      lakeops.env.Environments other =
          lakeops.env.Environments.load(lakeops.testing.TestHome.create("other-project"));
      SparkSession otherProd = SessionFactory.create(other, "prod");
      SparkSession otherDev = SessionFactory.create(other, "dev");

      assertThat(spark().conf().get("spark.sql.defaultCatalog")).isEqualTo("dev");
      assertThat(spark().conf().get(SessionFactory.HOME_CONF))
          .isEqualTo(environments().home().root().toString());
      assertThat(spark().sql("SELECT current_catalog()").first().getString(0)).isEqualTo("dev");
      assertThat(otherProd.conf().get(SessionFactory.HOME_CONF))
          .isEqualTo(other.home().root().toString());
      assertThat(otherDev).isNotSameAs(spark());
      assertThat(AccessControl.environment(otherDev)).isEqualTo("dev");
      assertThat(SessionFactory.create(other, "dev")).isSameAs(otherDev);
      assertThat(otherDev.sql("SELECT current_catalog()").first().getString(0)).isEqualTo("dev");
    } finally {
      SparkSession.setActiveSession(before);
    }
  }

  @Test
  void sessionsOfNoEnvironmentFailClosed() throws IOException {
    SparkSession unbound =
        org.apache.spark.sql.classic.SparkSession.builder()
            .sparkContext(spark().sparkContext())
            .create();
    String version = prodVersion();

    assertThat(AccessControl.environment(unbound)).isEqualTo("(none)");
    assertThatThrownBy(() -> unbound.sql("INSERT INTO delta.`" + prodPath + "` VALUES (9, 'x')"))
        .satisfies(
            e ->
                assertThat(accessDenied(e))
                    .hasMessage(
                        "AccessDenied: environment '(none)' may not INSERT INTO prod.hard.t "
                            + "(writable only from: prod) [not audited: the session belongs to no environment]"));
    String devPath = environments().storageRoot("dev") + "/hard/unbound";
    assertThatThrownBy(() -> unbound.range(3).write().format("delta").save(devPath))
        .satisfies(
            e ->
                assertThat(accessDenied(e)).hasMessageContaining("may not WRITE dev.hard.unbound"));
    assertThat(prodVersion()).isEqualTo(version);

    Path scratch = Files.createTempDirectory("lakeops-unbound");
    unbound.range(3).write().mode("overwrite").parquet(scratch.resolve("ok").toString());
    assertThat(unbound.read().parquet(scratch.resolve("ok").toString()).count()).isEqualTo(3L);
  }

  @Test
  void linksIntoProdAreProdForPlansAndFileSystems() throws IOException {
    Path prodFolder = localPath(prodPath);
    Path link = devRoot.resolve("hard").resolve("link");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, prodFolder);
    String version = prodVersion();
    String refused =
        "AccessDenied: environment 'dev' may not %s prod.hard.t (writable only from: prod)";

    assertThatThrownBy(() -> sql("INSERT INTO dev.hard.link VALUES (9, 'x')"))
        .satisfies(e -> assertThat(accessDenied(e)).hasMessage(refused, "INSERT INTO"));
    assertThatThrownBy(() -> sql("DELETE FROM dev.hard.link WHERE id = 1"))
        .satisfies(e -> assertThat(accessDenied(e)).hasMessage(refused, "DELETE FROM"));
    assertThatThrownBy(() -> sql("TRUNCATE TABLE dev.hard.link"))
        .satisfies(e -> assertThat(accessDenied(e)).hasMessage(refused, "TRUNCATE"));
    assertThatThrownBy(
            () ->
                AccessRoute.rows(spark())
                    .write()
                    .format("delta")
                    .mode("append")
                    .save(link.toString()))
        .satisfies(e -> assertThat(accessDenied(e)).hasMessage(refused, "WRITE"));

    FileSystem fs = sessionFileSystem(spark());
    org.apache.hadoop.fs.Path viaLink =
        new org.apache.hadoop.fs.Path(link.toUri().toString(), "x.txt");
    assertThatThrownBy(() -> fs.create(viaLink)).isInstanceOf(AccessControlException.class);
    org.apache.hadoop.fs.Path newLink =
        new org.apache.hadoop.fs.Path(devRoot.resolve("hard/link2").toUri());
    assertThatThrownBy(
            () -> fs.createSymlink(new org.apache.hadoop.fs.Path(prodPath), newLink, false))
        .isInstanceOf(AccessControlException.class)
        .hasMessageContaining("may not link to");
    assertThat(Files.exists(devRoot.resolve("hard/link2"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .isFalse();
    assertThat(prodVersion()).isEqualTo(version);
    assertThat(prod.sql("SELECT count(*) FROM " + PROD_TABLE).first().getLong(0)).isPositive();
  }

  @Test
  void everyFileSystemChangeUnderProdIsRefused() throws IOException {
    FileSystem fs = sessionFileSystem(spark());
    org.apache.hadoop.fs.Path table = new org.apache.hadoop.fs.Path(prodPath);
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(table, "_delta_log");
    org.apache.hadoop.fs.Path first =
        new org.apache.hadoop.fs.Path(log, "00000000000000000000.json");
    FileSystem raw = ((org.apache.hadoop.fs.LocalFileSystem) fs).getRaw();
    List<Runnable> attempts =
        List.of(
            () -> call(() -> raw.create(new org.apache.hadoop.fs.Path(log, "99.json"))),
            () -> call(() -> raw.delete(table, true)),
            () -> call(() -> raw.rename(log, new org.apache.hadoop.fs.Path(table, "moved"))),
            () -> call(() -> raw.append(first)),
            () -> call(() -> raw.truncate(first, 0)),
            () ->
                call(
                    () -> {
                      fs.setTimes(first, 0, 0);
                      return null;
                    }),
            () ->
                call(
                    () -> {
                      fs.setPermission(first, FsPermission.valueOf("-rwxrwxrwx"));
                      return null;
                    }),
            () ->
                call(
                    () -> {
                      fs.setOwner(first, "nobody", "nogroup");
                      return null;
                    }),
            () ->
                call(
                    () -> {
                      raw.concat(first, new org.apache.hadoop.fs.Path[] {first});
                      return null;
                    }),
            () -> call(() -> fs.mkdirs(new org.apache.hadoop.fs.Path(table, "new_folder"))),
            () ->
                call(
                    () -> {
                      fs.copyFromLocalFile(
                          new org.apache.hadoop.fs.Path("/etc/hostname"),
                          new org.apache.hadoop.fs.Path(table, "copied"));
                      return null;
                    }));
    long modified = Files.getLastModifiedTime(localPath(first.toString())).toMillis();
    long size = Files.size(localPath(first.toString()));

    for (Runnable attempt : attempts) {
      assertThatThrownBy(attempt::run)
          .hasRootCauseInstanceOf(AccessControlException.class)
          .satisfies(
              e ->
                  assertThat(org.assertj.core.util.Throwables.getRootCause(e))
                      .hasMessageStartingWith("AccessDenied: environment 'dev' may not "));
    }
    assertThat(Files.getLastModifiedTime(localPath(first.toString())).toMillis())
        .isEqualTo(modified);
    assertThat(Files.size(localPath(first.toString()))).isEqualTo(size);
    assertThat(Files.exists(localPath(prodPath).resolve("new_folder"))).isFalse();
  }

  @Test
  void theContextsOwnHadoopConfHoldsTheMostRestrictivePolicy() {
    // This JVM hosts dev (its first session), staging and prod: RDD writes, which use the
    // SparkContext's conf, may write no environment's root at all.
    for (String env : List.of("prod", "dev")) {
      String target = environments().storageRoot(env) + "/hard/rdd_" + System.nanoTime();
      assertThatThrownBy(
              () ->
                  spark()
                      .sparkContext()
                      .parallelize(
                          scala.jdk.javaapi.CollectionConverters.asScala(List.<Object>of(1, 2))
                              .toSeq(),
                          1,
                          scala.reflect.ClassTag$.MODULE$.Any())
                      .saveAsTextFile(target))
          .as(env)
          .hasStackTraceContaining("AccessDenied: environment");
    }
  }

  @Test
  void theAuditIsAppendOnlyForEveryEnvironment() {
    assertThatThrownBy(() -> sql("DELETE FROM " + PROD_TABLE))
        .isInstanceOf(AccessDeniedException.class);
    sql("CREATE TABLE IF NOT EXISTS dev.hard.probe USING delta AS SELECT 1 AS id");
    assertThatThrownBy(
            () ->
                prod.read()
                    .format("delta")
                    .load(environments().storageRoot("dev") + "/hard/probe")
                    .count())
        .satisfies(e -> assertThat(accessDenied(e)).isNotNull());
    long devRows = auditRows("dev", "");
    for (SparkSession session : List.of(spark(), prod)) {
      String env = AccessControl.environment(session);
      String audit = AccessAudit.table(env);
      for (String statement :
          List.of(
              "DELETE FROM %s",
              "UPDATE %s SET user = 'x'",
              "MERGE INTO %s a USING %s b ON a.time = b.time WHEN MATCHED THEN DELETE",
              "TRUNCATE TABLE %s",
              "DROP TABLE %s",
              "ALTER TABLE %s SET TBLPROPERTIES ('delta.appendOnly' = 'false')",
              "RESTORE TABLE %s TO VERSION AS OF 0",
              "INSERT INTO %s SELECT * FROM %s",
              "CREATE OR REPLACE TABLE %s AS SELECT * FROM %s")) {
        String query = statement.replace("%s", audit);
        assertThatThrownBy(() -> session.sql(query))
            .as(query)
            .satisfies(
                e ->
                    assertThat(accessDenied(e).getMessage())
                        .startsWith("AccessDenied: environment '" + env + "' may not ")
                        .endsWith(" (the access audit is append-only)"));
      }
      assertThatThrownBy(() -> session.sql("DROP SCHEMA " + env + ".lakeops CASCADE"))
          .satisfies(e -> assertThat(accessDenied(e)).hasMessageContaining("append-only"));
      assertThat(
              session
                  .sql("SHOW TBLPROPERTIES " + audit + " ('delta.appendOnly')")
                  .first()
                  .getString(1))
          .isEqualTo("true");
    }
    assertThat(auditRows("dev", "")).isGreaterThan(devRows);
  }

  @Test
  void refusalThatCannotBeAuditedSaysSo() throws IOException {
    assertThatThrownBy(() -> staging.sql("DELETE FROM " + PROD_TABLE + " WHERE id = 7"))
        .isInstanceOf(AccessDeniedException.class);
    Path audit = localPath(environments().storageRoot("staging") + "/lakeops/access_audit");
    Path aside = audit.resolveSibling("access_audit_aside");
    Files.move(audit, aside, StandardCopyOption.REPLACE_EXISTING);
    try {
      Files.writeString(audit, "not a table");
      assertThatThrownBy(() -> staging.sql("DELETE FROM " + PROD_TABLE + " WHERE id = 8"))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageStartingWith(
              "AccessDenied: environment 'staging' may not DELETE FROM prod.hard.t "
                  + "(writable only from: prod) [not audited: ");
    } finally {
      Files.delete(audit);
      Files.move(aside, audit);
    }
  }

  @Test
  void unknownCommandsCountAsWrites() {
    String version = prodVersion();
    assertThatThrownBy(() -> sql("COMMENT ON TABLE " + PROD_TABLE + " IS 'tampered'"))
        .satisfies(
            e ->
                assertThat(accessDenied(e).getMessage())
                    .startsWith("AccessDenied: environment 'dev' may not ")
                    .contains(PROD_TABLE)
                    .endsWith("(writable only from: prod)"));
    assertThat(prodVersion()).isEqualTo(version);

    prod.sql("COMMENT ON TABLE " + PROD_TABLE + " IS 'by prod'");
    assertThat(prodVersion()).isNotEqualTo(version);
  }

  @Test
  void noopWritesWriteNothingAndAreAllowed() {
    spark().range(5).write().format("noop").mode("overwrite").save();
    org.apache.spark.sql.classic.SparkSession.builder()
        .sparkContext(spark().sparkContext())
        .create()
        .range(5)
        .write()
        .format("noop")
        .mode("append")
        .save();
  }

  private static void assertRefusedWritingProd(SparkSession session, String env) {
    String version = prodVersion();
    assertThatThrownBy(() -> session.sql("INSERT INTO " + PROD_TABLE + " VALUES (9, 'x')"))
        .satisfies(
            e ->
                assertThat(accessDenied(e))
                    .hasMessageStartingWith(
                        "AccessDenied: environment '" + env + "' may not INSERT INTO prod.hard.t"));
    assertThatThrownBy(
            () -> AccessRoute.rows(session).write().format("delta").mode("append").save(prodPath))
        .satisfies(e -> assertThat(accessDenied(e)).isNotNull());
    assertThatThrownBy(
            () ->
                sessionFileSystem(session)
                    .create(new org.apache.hadoop.fs.Path(prodPath, "intruder.txt")))
        .isInstanceOf(AccessControlException.class);
    assertThat(prodVersion()).isEqualTo(version);
  }

  private static FileSystem sessionFileSystem(SparkSession session) {
    try {
      return new org.apache.hadoop.fs.Path(prodPath)
          .getFileSystem(session.sessionState().newHadoopConf());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long auditRows(String env, String target) {
    return sql(
            "SELECT count(*) FROM %s WHERE environment = '%s' AND target LIKE '%%%s%%'",
            AccessAudit.table(env), env, target)
        .first()
        .getLong(0);
  }

  /** The files of prod's table folder, names and sizes: any landed change shows. */
  private static String prodVersion() {
    try (Stream<Path> files = Files.walk(localPath(prodPath))) {
      List<String> entries = new ArrayList<>();
      files.sorted().forEach(f -> entries.add(f + ":" + f.toFile().length()));
      return String.join("\n", entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path localPath(String location) {
    return Path.of(
        java.net.URI.create(location.startsWith("file:") ? location : "file://" + location));
  }

  private interface IoCall {
    Object run() throws IOException;
  }

  private static void call(IoCall call) {
    try {
      call.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
