package lakeops.mlflow;

import java.util.List;
import java.util.Map;

/**
 * Everything one MLflow run records, gathered before it is logged: the run can be logged later, or
 * again ({@code lakeops models relog}), from this record and the files kept next to it.
 *
 * @param experimentName experiment to log to
 * @param runName run name ({@code mlflow.runName})
 * @param startTimeMillis start, epoch milliseconds
 * @param endTimeMillis end, epoch milliseconds
 * @param params parameters
 * @param metrics metrics
 * @param tags tags
 * @param datasets input datasets ({@code runs/log-inputs})
 * @param children child runs (one per tuning candidate), logged with {@code mlflow.parentRunId}
 */
public record RunRecord(
    String experimentName,
    String runName,
    long startTimeMillis,
    long endTimeMillis,
    Map<String, String> params,
    Map<String, Double> metrics,
    Map<String, String> tags,
    List<DatasetInput> datasets,
    List<RunRecord> children) {

  /** Copies the maps and lists; null datasets and children become none. */
  public RunRecord {
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
    tags = Map.copyOf(tags);
    datasets = datasets == null ? List.of() : List.copyOf(datasets);
    children = children == null ? List.of() : List.copyOf(children);
  }

  /**
   * One input dataset of a run, as MLflow's {@code Dataset} message plus its context tag.
   *
   * @param name dataset name (a table name)
   * @param digest short digest identifying the data (name and version)
   * @param sourceType {@code delta_table}
   * @param source JSON of the source ({@code {"delta_table_name": …, "delta_table_version": …}})
   * @param schema JSON of the schema ({@code {"mlflow_colspec": […]}})
   * @param profile JSON of the profile ({@code {"num_rows": …}})
   * @param context {@code mlflow.data.context}: training, validation, test or feature_table
   */
  public record DatasetInput(
      String name,
      String digest,
      String sourceType,
      String source,
      String schema,
      String profile,
      String context) {}
}
