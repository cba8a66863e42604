package lakeops.ingest;

/**
 * What one ingestion run did. Counts reconcile: {@code rowsRead = rowsIngested + rowsQuarantined}.
 *
 * @param table the bronze table
 * @param batches streaming batches run (0 when no file was new)
 * @param rowsRead records read from new files
 * @param rowsIngested rows appended to the bronze table
 * @param rowsQuarantined malformed records appended to the quarantine table
 */
public record IngestResult(
    TableName table, long batches, long rowsRead, long rowsIngested, long rowsQuarantined) {

  @Override
  public String toString() {
    return String.format(
        "%s: batches=%d read=%d ingested=%d quarantined=%d",
        table, batches, rowsRead, rowsIngested, rowsQuarantined);
  }
}
