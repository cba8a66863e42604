package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.ingest.IngestResult;
import lakeops.ingest.Medallion;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakeops ingest --env dev --source <folder> --table dev.bronze.flights}: ingests the files
 * of a landing folder not ingested before into a bronze table.
 */
@Command(name = "ingest", description = "Ingest new files of a landing folder into a bronze table.")
final class IngestCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

  @Option(
      names = "--source",
      required = true,
      paramLabel = "FOLDER",
      description = "Landing folder (local path, file:, s3a:// or hdfs://).")
  String source;

  @Option(
      names = "--table",
      required = true,
      paramLabel = "TABLE",
      description = "Bronze table: catalog.schema.table or schema.table.")
  String table;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "parquet, csv or json (default: from the files' extension).")
  String format;

  @Option(
      names = "--schema",
      paramLabel = "DDL",
      description =
          "Source schema for the first run, e.g. \"date TIMESTAMP_NTZ, delay BIGINT\" "
              + "(default: inferred from the files then).")
  String schema;

  @Option(
      names = "--max-files-per-batch",
      paramLabel = "N",
      defaultValue = "" + Medallion.MAX_FILES_PER_BATCH_DEFAULT,
      description = "Files read per batch at most (default: ${DEFAULT-VALUE}).")
  int maxFilesPerBatch;

  @Override
  public Integer call() {
    Medallion medallion = Medallion.of(SessionFactory.create(env.name), LakeOpsHome.current());
    IngestResult result = medallion.ingest(source, table, format, schema, maxFilesPerBatch);
    System.out.println(result);
    return 0;
  }
}
