package lakeops.jobs;

import java.util.Map;

/**
 * What to run a job with.
 *
 * @param environment the environment (dev, staging, prod)
 * @param parameters job parameters overriding the spec's defaults
 * @param trigger what starts the run: manual, cron, table_update, alert
 */
public record RunRequest(String environment, Map<String, String> parameters, String trigger) {

  /** Null parameters become none; they are copied. */
  public RunRequest {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }

  /** A run started by hand. */
  public static RunRequest manual(String environment, Map<String, String> parameters) {
    return new RunRequest(environment, parameters, "manual");
  }
}
