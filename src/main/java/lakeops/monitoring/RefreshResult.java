package lakeops.monitoring;

import java.util.List;

/**
 * What one refresh of a monitor did.
 *
 * @param monitor the monitor
 * @param tableVersion Delta version of the monitored table the refresh read
 * @param recomputedWindows windows profiled again ({@code <granularity>@<epoch seconds>}), because
 *     their data changed or they are new
 * @param removedWindows windows whose data is gone, and so their metrics
 * @param baselineRecomputed whether the baseline was profiled again
 * @param profileRows rows written to the profile metrics table
 * @param driftRows rows written to the drift metrics table
 * @param changes how changed windows were found: {@code first refresh}, {@code change data feed},
 *     {@code fingerprints} (a pass over the table) or {@code table version} (snapshots)
 */
public record RefreshResult(
    String monitor,
    long tableVersion,
    List<String> recomputedWindows,
    List<String> removedWindows,
    boolean baselineRecomputed,
    long profileRows,
    long driftRows,
    String changes) {

  /** Canonical constructor: copies the lists. */
  public RefreshResult {
    recomputedWindows = List.copyOf(recomputedWindows);
    removedWindows = List.copyOf(removedWindows);
  }

  @Override
  public String toString() {
    return String.format(
        "monitor %s: table version %d, %d window(s) recomputed, %d removed%s, "
            + "%d profile row(s), %d drift row(s) (changes from %s)",
        monitor,
        tableVersion,
        recomputedWindows.size(),
        removedWindows.size(),
        baselineRecomputed ? ", baseline recomputed" : "",
        profileRows,
        driftRows,
        changes);
  }
}
