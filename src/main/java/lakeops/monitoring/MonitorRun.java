package lakeops.monitoring;

import java.util.List;

/**
 * What one run of a monitor did: its refresh, then the alerts that fired.
 *
 * @param refresh the refresh of the monitor's metric tables
 * @param firedAlerts the alerts whose rules the refreshed metrics broke
 */
public record MonitorRun(RefreshResult refresh, List<FiredAlert> firedAlerts) {

  /** Canonical constructor: copies the list. */
  public MonitorRun {
    firedAlerts = List.copyOf(firedAlerts);
  }
}
