package lakeops.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What job triggers look at: Delta table versions and fired alerts. */
public interface TriggerSource {

  /** The latest version of the Delta table {@code table} (three-part name), if it exists. */
  Optional<Long> tableVersion(String table);

  /** When the latest alert named in {@code alertNames} fired, if any did. */
  Optional<Instant> lastAlert(List<String> alertNames);
}
