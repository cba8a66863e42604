package lakeops.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lakeops.sample.FlightsGenerator;
import lakeops.testing.CliProcess;
import lakeops.testing.SharedSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A real {@code lakeops ingest} process is killed (SIGKILL) right after a batch's Delta commit and
 * before Spark checkpoints that batch, the worst moment; the re-run ends with the table of one
 * clean run: every row once.
 */
class KillAndRerunTest extends SharedSpark {

  private static final int FILES = 4;
  private static final int ROWS_PER_FILE = 150;

  @Test
  void ingestionKilledMidRunAndRerunHasNoDuplicatesAndNoLoss() throws Exception {
    String landing = IngestionTest.landing("kill");
    for (int file = 0; file < FILES; file++) {
      FlightsGenerator.flights(ROWS_PER_FILE)
          .seed(100 + file)
          .write(spark(), landing, "parquet", 1);
    }
    TableName table = new TableName("dev", "bronze", "flights_kill");
    Path root = Paths.get(java.net.URI.create(table.catalogRoot(spark())));
    Path secondCommit = root.resolve("bronze/flights_kill/_delta_log/00000000000000000001.json");
    Path checkpoint = root.resolve("_checkpoints/bronze/flights_kill/ingest");

    Path out = Files.createTempFile("lakeops-kill", ".out");
    Path err = Files.createTempFile("lakeops-kill", ".err");
    Process child =
        CliProcess.start(
            home(),
            Map.of(IngestProperties.BATCH_PAUSE_ENV, "6000"),
            out,
            err,
            "ingest",
            "--env",
            "dev",
            "--source",
            landing,
            "--table",
            table.toString(),
            "--max-files-per-batch",
            "1");
    try {
      waitFor(secondCommit, child, err);
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(child.exitValue()).as("killed").isNotZero();
    // Killed in the window: batch 1 is in the table and in the offset log, not in the commit log.
    assertThat(checkpoint.resolve("offsets/1")).exists();
    assertThat(checkpoint.resolve("commits/1")).doesNotExist();
    assertThat(IngestionTest.rows("flights_kill")).isEqualTo(2L * ROWS_PER_FILE);

    IngestResult rerun =
        Ingestion.from(landing, SourceFormat.PARQUET).maxFilesPerBatch(1).into(table).run(spark());

    assertThat(rerun.batches()).isEqualTo(FILES - 1);
    assertThat(IngestionTest.rows("flights_kill")).isEqualTo((long) FILES * ROWS_PER_FILE);
    List<Row> perFile =
        sql("SELECT _source_file, count(*) FROM %s GROUP BY _source_file", table).collectAsList();
    assertThat(perFile)
        .hasSize(FILES)
        .allSatisfy(row -> assertThat(row.getLong(1)).isEqualTo(ROWS_PER_FILE));
    long writes =
        io.delta.tables.DeltaTable.forPath(spark(), table.location(spark()))
            .history()
            .where("operation = 'WRITE'")
            .count();
    assertThat(writes)
        .as("one Delta commit per batch: the replayed batch was skipped")
        .isEqualTo(FILES);
  }

  private static void waitFor(Path file, Process child, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!Files.exists(file)) {
      assertThat(child.isAlive())
          .as("lakeops ingest ended early: %s", Files.readString(err))
          .isTrue();
      assertThat(System.nanoTime()).as("no second commit within 240 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
