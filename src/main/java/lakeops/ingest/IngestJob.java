package lakeops.ingest;

import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Job main of the bronze step, for {@code spark-submit --class lakeops.ingest.IngestJob
 * lakeops-jobs.jar --env dev --source <folder> --table dev.bronze.flights}: the arguments and
 * output of {@code lakeops ingest}.
 */
@Command(
    name = "lakeops.ingest.IngestJob",
    description = "Ingest new files of a landing folder into a bronze table.")
public final class IngestJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environment;

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
      defaultValue = "" + IngestProperties.MAX_FILES_PER_BATCH_DEFAULT,
      description = "Files read per batch at most (default: ${DEFAULT-VALUE}).")
  int maxFilesPerBatch;

  private IngestJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new IngestJob(), args);
  }

  @Override
  public Integer call() {
    Medallion medallion = Medallion.of(SessionFactory.create(environment), LakeOpsHome.current());
    IngestResult result = medallion.ingest(source, table, format, schema, maxFilesPerBatch);
    System.out.println(result);
    return 0;
  }
}
