package lakeops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import lakeops.env.EnvironmentProperties;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.SharedSpark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Everything a user types or drops, wrong, through the {@code lakeops} command line in this JVM:
 * malformed YAML, unknown keys, wrong types and missing files of every {@code conf/} kind, of jobs
 * and of environments; landing files that are truncated, empty, of the wrong format or of a changed
 * schema; bad SQL; unknown tables, models, versions and aliases. Each ends in exit 1 with one line
 * {@code Error:} naming the file, key or object, and writes nothing (every file under the storage
 * roots unchanged). The README's troubleshooting table lists the same cases.
 */
@ExtendWith(MlflowTestServer.class)
class BadInputTest extends SharedSpark {

  private static final String MODEL = "dev.ml.bad_input_model";
  private static String previousHome;
  private static String devYaml;
  private static Path landing;

  @BeforeAll
  static void project() throws IOException {
    previousHome = System.getProperty(EnvironmentProperties.HOME_PROPERTY);
    System.setProperty(EnvironmentProperties.HOME_PROPERTY, home().root().toString());
    // The CLI's registry commands talk to the test server.
    Path dev = home().environmentsDir().resolve("dev.yml");
    devYaml = Files.readString(dev);
    Files.writeString(
        dev, devYaml.replace("${LAKEOPS_MLFLOW_TRACKING_URI:-}", MlflowTestServer.server().url()));
    ModelRegistry registry = new ModelRegistry(MlflowRest.of(MlflowTestServer.server().url()));
    registry.createModel(MODEL, "bad input cases");
    // A landing folder whose first file fixed the bronze table's schema.
    landing = home().lakehouseDir().resolve("landing/bad_input");
    Files.createDirectories(landing);
    spark()
        .sql("SELECT id, CAST(id AS STRING) AS name FROM range(10)")
        .coalesce(1)
        .write()
        .mode("overwrite")
        .parquet(landing.resolve("good").toString());
    assertThat(
            lakeops(
                    "ingest",
                    "--env",
                    "dev",
                    "--source",
                    landing.resolve("good").toString(),
                    "--table",
                    "dev.bronze.bad_input")
                .exitCode)
        .isZero();
  }

  @AfterAll
  static void restore() throws IOException {
    Files.writeString(home().environmentsDir().resolve("dev.yml"), devYaml);
    if (previousHome == null) {
      System.clearProperty(EnvironmentProperties.HOME_PROPERTY);
    } else {
      System.setProperty(EnvironmentProperties.HOME_PROPERTY, previousHome);
    }
  }

  /** What a run printed and returned. */
  private record Run(int exitCode, String err) {}

  private static Run lakeops(String... args) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = LakeOps.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, err.toString());
  }

  /**
   * One case: files to write (path relative to the home, or {@code landing:NAME/FILE}), the
   * command, and what its one {@code Error:} line must say.
   */
  private record Case(Map<String, byte[]> files, List<String> args, List<String> expected) {
    @Override
    public String toString() {
      return String.join(" ", args);
    }
  }

  private static Arguments bad(
      String name, Map<String, String> files, String args, String... expected) {
    Map<String, byte[]> bytes = new TreeMap<>();
    files.forEach((k, v) -> bytes.put(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return Arguments.of(name, new Case(bytes, List.of(args.split(" ")), List.of(expected)));
  }

  private static final String FLIGHT_MODEL = "conf/models/flight_delay.yml";

  static Stream<Arguments> cases() throws IOException {
    String model = Files.readString(home().root().resolve(FLIGHT_MODEL));
    String monitor =
        "name: %s\ntable: gold.flights\nprofile_type: time_series\ntimestamp_col: flight_time\n"
            + "granularities: ['1 day']\n";
    String job = "name: %s\ntasks:\n  - task_key: a\n    lakeops_task: {command: gold}\n";
    String landingDir = "landing:";
    return Stream.of(
        // conf/expectations
        bad(
            "expectations: malformed YAML",
            Map.of(
                "conf/expectations/silver.bad_yaml.yml", "source: bronze.flights\ncolumns: [a\n"),
            "silver --env dev --table silver.bad_yaml",
            "silver.bad_yaml.yml"),
        bad(
            "expectations: unknown key",
            Map.of(
                "conf/expectations/silver.bad_key.yml",
                "source: bronze.flights\ncolumns: {a: '1'}\nexpectatons: []\n"),
            "silver --env dev --table silver.bad_key",
            "silver.bad_key.yml",
            "expectatons"),
        bad(
            "expectations: wrong type",
            Map.of(
                "conf/expectations/silver.bad_type.yml",
                "source: bronze.flights\ncolumns: {a: '1'}\nexpectations: {name: x}\n"),
            "silver --env dev --table silver.bad_type",
            "silver.bad_type.yml",
            "expectations"),
        bad(
            "expectations: missing file",
            Map.of(),
            "silver --env dev --table silver.no_such",
            "silver.no_such.yml"),
        // conf/features
        bad(
            "features: malformed YAML",
            Map.of("conf/bad_features/malformed.yml", "tables:\n  - name: [\n"),
            "features compute --env dev --spec conf/bad_features/malformed.yml",
            "malformed.yml"),
        bad(
            "features: unknown key",
            Map.of(
                "conf/bad_features/unknown.yml",
                "tables:\n  - name: features.x\n    primary_keys: [a]\n    querry: SELECT 1 AS a\n"),
            "features compute --env dev --spec conf/bad_features/unknown.yml",
            "unknown.yml",
            "querry"),
        bad(
            "features: wrong type",
            Map.of(
                "conf/bad_features/type.yml",
                "tables:\n  - name: features.x\n    primary_keys: a\n    query: SELECT 1 AS a\n"),
            "features compute --env dev --spec conf/bad_features/type.yml",
            "type.yml",
            "primary_keys"),
        bad(
            "features: missing file",
            Map.of(),
            "features compute --env dev --spec conf/bad_features/no_such.yml",
            "no_such.yml"),
        // conf/models
        bad(
            "models: malformed YAML",
            Map.of("conf/models/bad_yaml.yml", "name: x\nlabels: {table: [\n"),
            "train --env dev --model conf/models/bad_yaml.yml",
            "bad_yaml.yml"),
        bad(
            "models: unknown key",
            Map.of("conf/models/bad_key.yml", model + "\ncolour: red\n"),
            "train --env dev --model conf/models/bad_key.yml",
            "bad_key.yml",
            "colour"),
        bad(
            "models: wrong type",
            Map.of(
                "conf/models/bad_type.yml", model.replace("validation: 0.15", "validation: lots")),
            "train --env dev --model conf/models/bad_type.yml",
            "bad_type.yml",
            "split.validation"),
        bad(
            "models: missing file",
            Map.of(),
            "train --env dev --model conf/models/no_such.yml",
            "no_such.yml"),
        // conf/monitors
        bad(
            "monitors: malformed YAML",
            Map.of("conf/monitors/bad_yaml.yml", "name: bad_yaml\ntable: [\n"),
            "monitor run --env dev --monitor bad_yaml",
            "bad_yaml.yml"),
        bad(
            "monitors: unknown key",
            Map.of("conf/monitors/bad_key.yml", monitor.formatted("bad_key") + "granularity: x\n"),
            "monitor run --env dev --monitor bad_key",
            "bad_key.yml",
            "granularity"),
        bad(
            "monitors: wrong type",
            Map.of(
                "conf/monitors/bad_type.yml",
                monitor.formatted("bad_type").replace("time_series", "sometimes")),
            "monitor run --env dev --monitor bad_type",
            "bad_type.yml",
            "profile_type"),
        bad(
            "monitors: missing file",
            Map.of(),
            "monitor run --env dev --monitor no_such",
            "no_such"),
        // jobs
        bad(
            "jobs: malformed YAML",
            Map.of("jobs/bad_yaml.yml", "name: bad_yaml\ntasks: [\n"),
            "job validate jobs/bad_yaml.yml",
            "bad_yaml.yml"),
        bad(
            "jobs: unknown key",
            Map.of("jobs/bad_key.yml", job.formatted("bad_key") + "shedule: daily\n"),
            "job validate jobs/bad_key.yml",
            "bad_key.yml",
            "shedule"),
        bad(
            "jobs: wrong type",
            Map.of("jobs/bad_type.yml", job.formatted("bad_type") + "max_concurrent_runs: many\n"),
            "job validate jobs/bad_type.yml",
            "bad_type.yml",
            "max_concurrent_runs"),
        bad("jobs: missing file", Map.of(), "job validate no_such_job", "no_such_job"),
        // environments
        bad(
            "environments: malformed YAML",
            Map.of("environments/qa.yml", "name: qa\nstorage: [\n"),
            "env show --env dev",
            "qa.yml"),
        bad(
            "environments: unknown key",
            Map.of("environments/qa.yml", "name: qa\nstorage: {root: x}\nspark: {mastr: local}\n"),
            "env show --env dev",
            "qa.yml",
            "spark.mastr"),
        bad(
            "environments: wrong type",
            Map.of("environments/qa.yml", "name: qa\nstorage: {root: x}\ncatalogs: {read: 7}\n"),
            "env show --env dev",
            "qa.yml",
            "catalogs.read"),
        bad("environments: unknown environment", Map.of(), "env show --env nosuch", "nosuch"),
        // landing files
        bad(
            "landing: truncated file",
            Map.of(landingDir + "truncated/part-0.parquet", "PAR1\u0000\u0001truncated"),
            "ingest --env dev --source @landing/truncated --table dev.bronze.bad_truncated",
            "part-0.parquet"),
        bad(
            "landing: empty file",
            Map.of(landingDir + "empty/part-0.parquet", ""),
            "ingest --env dev --source @landing/empty --table dev.bronze.bad_empty",
            "part-0.parquet"),
        bad(
            "landing: wrong format",
            Map.of(landingDir + "csv/part-0.parquet", "id,name\n1,one\n"),
            "ingest --env dev --source @landing/csv --table dev.bronze.bad_csv",
            "part-0.parquet"),
        bad(
            "landing: changed schema",
            Map.of(landingDir + "good/changed.parquet", ""),
            "ingest --env dev --source @landing/good --table dev.bronze.bad_input",
            "dev.bronze.bad_input",
            "name"),
        // SQL and unknown objects
        bad("sql: syntax error", Map.of(), "sql --env dev SELEC 1", "PARSE_SYNTAX_ERROR"),
        bad(
            "sql: unknown table",
            Map.of(),
            "sql --env dev SELECT * FROM dev.bronze.no_such",
            "TABLE_OR_VIEW_NOT_FOUND",
            "no_such"),
        bad(
            "models: unknown model",
            Map.of(),
            "models show --env dev no_such_model",
            "no_such_model"),
        bad(
            "models: unknown version",
            Map.of(),
            "models alias --env dev bad_input_model champion 99",
            MODEL,
            "99"),
        bad(
            "models: unknown alias",
            Map.of(),
            "models alias --env dev bad_input_model no_such_alias --delete",
            MODEL,
            "no_such_alias"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWithOneLineNamingWhatAndNothingWritten(String name, Case c) throws Exception {
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : c.files().entrySet()) {
      Path path =
          file.getKey().startsWith("landing:")
              ? landing.resolve(file.getKey().substring("landing:".length()))
              : home().root().resolve(file.getKey());
      Files.createDirectories(path.getParent());
      if (file.getKey().endsWith("good/changed.parquet")) {
        // The same columns as the first file, one of another type.
        Path staging = Files.createTempDirectory("lakeops-changed");
        spark()
            .sql("SELECT id, CAST(id AS DOUBLE) AS name FROM range(5)")
            .coalesce(1)
            .write()
            .mode("overwrite")
            .parquet(staging.resolve("data").toString());
        try (Stream<Path> parts = Files.list(staging.resolve("data"))) {
          Files.move(
              parts.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow(), path);
        }
      } else {
        Files.write(path, file.getValue());
      }
      written.add(path);
    }
    List<String> args =
        c.args().stream()
            .map(a -> a.startsWith("@landing/") ? landing.resolve(a.substring(9)).toString() : a)
            .toList();
    // Everything under the environments' storage roots, before and after.
    Map<String, Long> before = files(home().lakehouseDir());
    try {
      Run run = lakeops(fixSql(args).toArray(String[]::new));
      List<String> errors = run.err().lines().filter(l -> l.startsWith("Error: ")).toList();
      System.out.println("case " + name + ": " + errors);
      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(errors).as(run.err()).hasSize(1);
      assertThat(errors.get(0)).contains(c.expected());
      assertThat(run.err()).doesNotContain("\tat ");
      assertThat(files(home().lakehouseDir())).as("nothing written").isEqualTo(before);
    } finally {
      for (Path path : written) {
        lakeops.testing.TestHome.deleteRecursively(path);
      }
    }
  }

  /** The sql command takes its statement as one argument. */
  private static List<String> fixSql(List<String> args) {
    if (!args.get(0).equals("sql")) {
      return args;
    }
    return List.of("sql", args.get(1), args.get(2), String.join(" ", args.subList(3, args.size())));
  }

  /** Every file under {@code root} (but MLflow's store and Spark's scratch) and its size. */
  private static Map<String, Long> files(Path root) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          // A refused ingestion batch keeps its offset (the planned files) in the stream's
          // checkpoint, so that a re-run replays it; tables and their logs must not change.
          .filter(
              p ->
                  !p.toString().contains("/mlflow")
                      && !p.toString().contains("/landing/")
                      && !p.toString().contains("/_checkpoints/"))
          .forEach(p -> files.put(root.relativize(p).toString(), p.toFile().length()));
    }
    return files;
  }
}
