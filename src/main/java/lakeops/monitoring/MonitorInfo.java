package lakeops.monitoring;

import java.util.List;

/**
 * What one monitor of {@code conf/monitors/} watches, for listing.
 *
 * @param name the monitor's name
 * @param profileType how its table is windowed, as spelled in the spec ({@code snapshot}, {@code
 *     time_series}, {@code inference_log})
 * @param table the monitored table
 * @param granularities window lengths ("1 day", "1 week")
 * @param slicingExpressions SQL expressions whose values slice the table
 * @param alerts how many alert rules it has
 */
public record MonitorInfo(
    String name,
    String profileType,
    String table,
    List<String> granularities,
    List<String> slicingExpressions,
    int alerts) {

  /** Canonical constructor: copies the lists. */
  public MonitorInfo {
    granularities = List.copyOf(granularities);
    slicingExpressions = List.copyOf(slicingExpressions);
  }
}
