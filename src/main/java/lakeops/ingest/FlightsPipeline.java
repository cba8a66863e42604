package lakeops.ingest;

import lakeops.env.LakeOpsHome;
import org.apache.spark.sql.SparkSession;

/**
 * The flights medallion pipeline of an environment: landing folder → {@code bronze.flights} →
 * {@code silver.flights} (expectations of {@code conf/expectations/silver.flights.yml}) → {@code
 * gold.flights} and {@code gold.airport_daily}. Each step is idempotent, so the pipeline is too.
 *
 * @param landing the landing folder of flight files
 * @param catalog the environment catalog to build in
 */
public record FlightsPipeline(String landing, String catalog) {

  /** Results of each step of one run. */
  public record Result(IngestResult bronze, SilverResult silver, GoldResult gold) {}

  /** The bronze table of the pipeline. */
  public TableName bronze() {
    return new TableName(catalog, "bronze", "flights");
  }

  /** The silver table of the pipeline. */
  public TableName silver() {
    return new TableName(catalog, "silver", "flights");
  }

  /** Runs the three steps in order. */
  public Result run(SparkSession spark, LakeOpsHome home) {
    IngestResult bronzeResult =
        Ingestion.from(landing, SourceFormat.detect(landing, spark.sessionState().newHadoopConf()))
            .into(bronze())
            .run(spark);
    SilverResult silverResult =
        SilverRefinement.of(SilverSpec.load(home, "silver.flights")).into(silver()).run(spark);
    GoldResult goldResult = GoldBuild.from(silver()).run(spark);
    return new Result(bronzeResult, silverResult, goldResult);
  }
}
