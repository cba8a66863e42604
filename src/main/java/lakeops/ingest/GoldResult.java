package lakeops.ingest;

/**
 * What one gold build did.
 *
 * @param flights the gold flights table
 * @param airportDaily the daily aggregates per origin airport
 * @param silverVersion the version of the silver table both were built from
 * @param flightRows rows of the gold flights table
 * @param airportDayRows rows of the daily aggregates
 * @param rebuilt false when both tables were already built from that silver version (nothing
 *     written)
 */
public record GoldResult(
    TableName flights,
    TableName airportDaily,
    long silverVersion,
    long flightRows,
    long airportDayRows,
    boolean rebuilt) {

  @Override
  public String toString() {
    return String.format(
        "%s: rows=%d; %s: rows=%d (from silver version %d%s)",
        flights,
        flightRows,
        airportDaily,
        airportDayRows,
        silverVersion,
        rebuilt ? "" : ", already built");
  }
}
