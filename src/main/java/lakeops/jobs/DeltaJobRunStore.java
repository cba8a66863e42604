package lakeops.jobs;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The run history of an environment, {@code <env>.lakeops.job_runs}: one row per job run (task_key
 * NULL) and per task attempt, upserted with a Delta MERGE on (run_id, task_key, attempt) as states
 * change. Writes happen on a background thread that folds pending changes into one MERGE, so the
 * runner never waits on Delta; {@link #close()} flushes.
 */
public final class DeltaJobRunStore implements RunListener {

  /** Columns of {@code job_runs}. */
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("job_name", DataTypes.StringType, false)
          .add("environment", DataTypes.StringType, false)
          .add("task_key", DataTypes.StringType, true)
          .add("attempt", DataTypes.IntegerType, false)
          .add("life_cycle_state", DataTypes.StringType, false)
          .add("result_state", DataTypes.StringType, true)
          .add("state_message", DataTypes.StringType, true)
          .add("start_time", DataTypes.TimestampType, true)
          .add("end_time", DataTypes.TimestampType, true)
          .add("duration_ms", DataTypes.LongType, true)
          .add("trigger", DataTypes.StringType, true)
          .add("master", DataTypes.StringType, true)
          .add("parameters", DataTypes.createArrayType(DataTypes.StringType), true)
          .add(
              "task_values",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType),
              true)
          .add("updated_at", DataTypes.TimestampType, false);

  private static final int MERGE_ATTEMPTS = 5;

  private final SparkSession spark;
  private final String table;
  private final LinkedBlockingQueue<RunRecord> pending = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closing;
  private volatile RuntimeException failure;

  /** The history of {@code environment}, created if missing, written through {@code spark}. */
  public DeltaJobRunStore(SparkSession spark, String environment) {
    this.spark = spark;
    this.table = tableName(environment);
    spark.sql("CREATE SCHEMA IF NOT EXISTS " + environment + "." + JobProperties.RUNS_SCHEMA);
    spark.sql("CREATE TABLE IF NOT EXISTS " + table + " (" + SCHEMA.toDDL() + ") USING delta");
    this.writer = new Thread(this::writeLoop, "lakeops-job-runs-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** {@code <environment>.lakeops.job_runs}. */
  public static String tableName(String environment) {
    return environment + "." + JobProperties.RUNS_SCHEMA + "." + JobProperties.RUNS_TABLE;
  }

  @Override
  public void changed(RunRecord record) {
    pending.add(record);
  }

  /** Writes what is pending and stops the writer; a write that failed is thrown here. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(TimeUnit.MINUTES.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void writeLoop() {
    while (true) {
      List<RunRecord> batch = new ArrayList<>();
      try {
        RunRecord first = pending.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing) {
            return;
          }
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        return;
      }
      pending.drainTo(batch);
      try {
        merge(batch);
      } catch (RuntimeException e) {
        failure = JobErrors.cannotRecordRuns(table, e);
      }
    }
  }

  private void merge(List<RunRecord> batch) {
    Map<String, RunRecord> latest = new LinkedHashMap<>();
    batch.forEach(r -> latest.put(r.runId() + "/" + r.taskKey() + "/" + r.attempt(), r));
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = latest.values().stream().map(r -> row(r, now)).toList();
    for (int attempt = 1; ; attempt++) {
      try {
        DeltaTable.forName(spark, table)
            .as("t")
            .merge(
                spark.createDataFrame(rows, SCHEMA).as("s"),
                "t.run_id = s.run_id AND t.task_key <=> s.task_key AND t.attempt = s.attempt")
            .whenMatched()
            .updateAll()
            .whenNotMatched()
            .insertAll()
            .execute();
        return;
      } catch (RuntimeException e) {
        boolean conflict = e.getClass().getName().contains("Concurrent");
        if (!conflict || attempt >= MERGE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static Row row(RunRecord r, Timestamp now) {
    return RowFactory.create(
        r.runId(),
        r.jobName(),
        r.environment(),
        r.taskKey(),
        r.attempt(),
        r.lifeCycleState().name(),
        r.resultState() == null ? null : r.resultState().name(),
        r.stateMessage(),
        timestamp(r.startTime()),
        timestamp(r.endTime()),
        r.endTime() == null ? null : r.duration().toMillis(),
        r.trigger(),
        r.master(),
        r.parameters(),
        r.taskValues(),
        now);
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
