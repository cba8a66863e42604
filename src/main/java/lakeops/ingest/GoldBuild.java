package lakeops.ingest;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the gold flights tables from a silver flights table (columns {@code flight_time,
 * flight_date, origin, destination, delay_minutes, distance_miles}, as {@code
 * conf/expectations/silver.flights.yml} defines them):
 *
 * <ul>
 *   <li>{@code gold.flights}: one row a flight, typed, with {@code is_delayed} (more than {@value
 *       #DELAYED_MINUTES} minutes late), partitioned by {@code flight_month} (yyyy-MM: a few large
 *       partitions, and month filters prune);
 *   <li>{@code gold.airport_daily}: per origin airport and day, flights, mean and max delay,
 *       delayed share and mean distance: features of later issues.
 * </ul>
 *
 * <p>Both are rebuilt whole from one silver version and written with {@code txnAppId} = the step
 * and {@code txnVersion} = that silver version: a re-run on an unchanged silver table writes
 * nothing, and an overwrite is atomic, so a killed build leaves the previous tables.
 *
 * @param silver the silver flights table
 * @param flights the gold flights table
 * @param airportDaily the daily aggregates per origin airport
 */
record GoldBuild(TableName silver, TableName flights, TableName airportDaily) {

  /** Minutes late from which a flight counts as delayed (the US DOT's definition). */
  public static final int DELAYED_MINUTES = 15;

  /**
   * Gold tables of the catalog of {@code silver}: {@code gold.flights} and {@code
   * gold.airport_daily}.
   */
  public static GoldBuild from(TableName silver) {
    return new GoldBuild(
        silver, silver.sibling("gold.flights"), silver.sibling("gold.airport_daily"));
  }

  /** The same build writing to {@code flightsTable} and {@code dailyTable}. */
  public GoldBuild into(TableName flightsTable, TableName dailyTable) {
    return new GoldBuild(silver, flightsTable, dailyTable);
  }

  /** Builds both tables from the latest silver version unless they were built from it already. */
  public GoldResult run(SparkSession spark) {
    long version = DeltaWrites.version(spark, silver);
    if (version < 0) {
      throw IngestErrors.missingSource("gold", silver, "run the silver step first");
    }
    long flightsBefore = DeltaWrites.version(spark, flights);
    long dailyBefore = DeltaWrites.version(spark, airportDaily);
    Dataset<Row> source =
        spark.read().format("delta").option("versionAsOf", version).load(silver.location(spark));
    DeltaWrites.overwrite(
        flightsOf(source), flights, DeltaWrites.appId("gold", flights), version, "flight_month");
    DeltaWrites.overwrite(
        dailyOf(source), airportDaily, DeltaWrites.appId("gold", airportDaily), version);
    boolean rebuilt =
        DeltaWrites.version(spark, flights) != flightsBefore
            || DeltaWrites.version(spark, airportDaily) != dailyBefore;
    return new GoldResult(
        flights,
        airportDaily,
        version,
        rowCount(spark, flights),
        rowCount(spark, airportDaily),
        rebuilt);
  }

  private static Dataset<Row> flightsOf(Dataset<Row> silverRows) {
    return silverRows.select(
        col("flight_date"),
        col("flight_time"),
        col("origin"),
        col("destination"),
        col("delay_minutes"),
        col("distance_miles"),
        col("delay_minutes").gt(lit(DELAYED_MINUTES)).as("is_delayed"),
        date_format(col("flight_date"), "yyyy-MM").as("flight_month"));
  }

  private static Dataset<Row> dailyOf(Dataset<Row> silverRows) {
    return silverRows
        .groupBy(col("origin"), col("flight_date"))
        .agg(
            count(lit(1)).as("flights"),
            round(avg(col("delay_minutes")), 2).as("mean_delay_minutes"),
            max(col("delay_minutes")).as("max_delay_minutes"),
            sum(col("delay_minutes").gt(lit(DELAYED_MINUTES)).cast("long")).as("delayed_flights"),
            round(avg(col("delay_minutes").gt(lit(DELAYED_MINUTES)).cast("double")), 4)
                .as("delayed_share"),
            round(avg(col("distance_miles")), 1).as("mean_distance_miles"))
        .orderBy(col("flight_date"), col("origin"));
  }

  private static long rowCount(SparkSession spark, TableName table) {
    return spark.read().format("delta").load(table.location(spark)).count();
  }
}
