package lakeops.monitoring;

/** What a monitor's table holds, and so how it is windowed (Databricks' profile types). */
enum ProfileType {
  /** The whole table at its latest version, one window per refresh. */
  SNAPSHOT,
  /** Rows with a timestamp column, windowed by each granularity. */
  TIME_SERIES,
  /** Model inputs and outputs with a timestamp, prediction, label and model-version column. */
  INFERENCE_LOG
}
