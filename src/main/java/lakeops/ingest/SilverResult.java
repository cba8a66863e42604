package lakeops.ingest;

import java.util.Map;

/**
 * What one silver run did. Counts reconcile: {@code rowsRead = rowsPassed + rowsQuarantined}.
 *
 * @param table the silver table
 * @param batches streaming batches run (0 when the source had nothing new)
 * @param rowsRead rows read from the source
 * @param rowsPassed rows appended to the silver table
 * @param rowsQuarantined rows sent to the quarantine table (failed a {@code drop} rule)
 * @param failuresByRule rows failing each expectation, by name (warn and drop rules alike)
 */
public record SilverResult(
    TableName table,
    long batches,
    long rowsRead,
    long rowsPassed,
    long rowsQuarantined,
    Map<String, Long> failuresByRule) {

  /** Copies the failures. */
  public SilverResult {
    failuresByRule = Map.copyOf(failuresByRule);
  }

  @Override
  public String toString() {
    return String.format(
        "%s: batches=%d read=%d passed=%d quarantined=%d failures=%s",
        table,
        batches,
        rowsRead,
        rowsPassed,
        rowsQuarantined,
        new java.util.TreeMap<>(failuresByRule));
  }
}
