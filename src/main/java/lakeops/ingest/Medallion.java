package lakeops.ingest;

import lakeops.env.LakeOpsHome;
import org.apache.spark.sql.SparkSession;

/**
 * Ingest's entry point: the bronze, silver and gold steps of one session, each an exactly-once,
 * rerunnable batch. Table names are {@code schema.table} in the session's environment or
 * three-part.
 *
 * <p>{@code Medallion.of(spark, home).refine("silver.flights")} cleans the new rows of the bronze
 * source into {@code silver.flights} under {@code conf/expectations/silver.flights.yml}.
 */
public final class Medallion {

  /** How many source files one bronze batch reads by default. */
  public static final int MAX_FILES_PER_BATCH_DEFAULT =
      IngestProperties.MAX_FILES_PER_BATCH_DEFAULT;

  private final SparkSession spark;
  private final LakeOpsHome home;

  private Medallion(SparkSession spark, LakeOpsHome home) {
    this.spark = spark;
    this.home = home;
  }

  /** The steps run in {@code spark}, with the expectations of {@code home}. */
  public static Medallion of(SparkSession spark, LakeOpsHome home) {
    return new Medallion(spark, home);
  }

  /**
   * Ingests the new files of {@code source} into the bronze table {@code table}.
   *
   * @param source folder (or URI) of the source files
   * @param table the bronze table
   * @param format the files' format ({@code csv}, {@code json}, …), or null to detect it
   * @param schemaDdl the source schema as DDL, or null to infer it on the first run
   * @param maxFilesPerBatch the most files one batch reads
   */
  public IngestResult ingest(
      String source, String table, String format, String schemaDdl, int maxFilesPerBatch) {
    return Ingestion.from(
            source,
            SourceFormat.parseOrDetect(format, source, spark.sessionState().newHadoopConf()))
        .withSchemaDdl(schemaDdl)
        .maxFilesPerBatch(maxFilesPerBatch)
        .into(TableName.parse(table, spark))
        .run(spark);
  }

  /**
   * Refines the new rows of the bronze source of the silver table {@code table} into it, under its
   * spec {@code conf/expectations/<schema>.<table>.yml}.
   */
  public SilverResult refine(String table) {
    return SilverRefinement.of(home, TableName.parse(table, spark)).run(spark);
  }

  /** Builds the gold tables from the silver table {@code source}. */
  public GoldResult buildGold(String source) {
    return GoldBuild.from(TableName.parse(source, spark)).run(spark);
  }
}
