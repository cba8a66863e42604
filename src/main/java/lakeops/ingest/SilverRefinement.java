package lakeops.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import lakeops.env.LakeOpsHome;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Builds a silver table from its bronze source, incrementally, guarded by expectations:
 *
 * <pre>{@code
 * SilverResult result = SilverRefinement.of(SilverSpec.load(home, "silver.flights"))
 *     .into(TableName.parse("dev.silver.flights", spark)).run(spark);
 * }</pre>
 *
 * <p>Each new batch of source rows is shaped into the spec's columns and checked: a {@code fail}
 * rule broken by any row refuses the batch (nothing written, the step fails); rows breaking a
 * {@code drop} rule go to {@code <table>_quarantine} with {@value
 * IngestProperties#FAILED_RULES_COLUMN}; {@code warn} rules only count. Every batch adds one row
 * per rule to {@code <catalog>.monitoring.dq_metrics}. Source rows are read once (a Delta streaming
 * source with a checkpoint) and every write carries Delta's {@code txnAppId}/{@code txnVersion}, so
 * re-runs never duplicate rows.
 *
 * @param spec the silver table's definition
 * @param target the silver table, or null until {@link #into}
 */
record SilverRefinement(SilverSpec spec, TableName target) {

  private static final String STEP = "silver";
  private static final String VIOLATION_PREFIX = "_violates_";

  /** Schema of {@code monitoring.dq_metrics}: one row per table, batch and rule. */
  public static final StructType METRICS_SCHEMA =
      new StructType()
          .add("table_name", DataTypes.StringType)
          .add("run_id", DataTypes.StringType)
          .add("batch_id", DataTypes.LongType)
          .add("measured_at", DataTypes.TimestampType)
          .add("rule", DataTypes.StringType)
          .add("expectation", DataTypes.StringType)
          .add("action", DataTypes.StringType)
          .add("rows_read", DataTypes.LongType)
          .add("rows_failed", DataTypes.LongType)
          .add("rows_passed", DataTypes.LongType)
          .add("rows_quarantined", DataTypes.LongType);

  /** Refuses a refinement without a spec. */
  public SilverRefinement {
    if (spec == null) {
      throw IngestErrors.noSilverSpec();
    }
  }

  /** The refinement defined by {@code spec}. */
  public static SilverRefinement of(SilverSpec spec) {
    return new SilverRefinement(spec, null);
  }

  /**
   * The refinement into the silver table {@code target} under its spec, {@code
   * conf/expectations/<schema>.<table>.yml} of {@code home}.
   */
  public static SilverRefinement of(LakeOpsHome home, TableName target) {
    return of(SilverSpec.load(home, target.schema() + "." + target.table())).into(target);
  }

  /** Writes the silver table {@code table}. */
  public SilverRefinement into(TableName table) {
    return new SilverRefinement(spec, table);
  }

  /** The source table: the spec's {@code schema.table} in the target's catalog. */
  public TableName source() {
    return requireTarget().sibling(spec.source());
  }

  /** Where rows failing a {@code drop} rule go: {@code <target>_quarantine}. */
  public TableName quarantine() {
    return requireTarget().withSuffix(IngestProperties.QUARANTINE_SUFFIX);
  }

  /** The data-quality metrics table of the target's catalog. */
  public TableName metrics() {
    return requireTarget().sibling(IngestProperties.DQ_METRICS_TABLE);
  }

  /** Refines every source row not refined before; returns what it did. */
  public SilverResult run(SparkSession spark) {
    TableName table = requireTarget();
    if (!source().exists(spark)) {
      throw IngestErrors.missingSource("silver", source(), "ingest it first");
    }
    Counters counters = new Counters();
    String runId = UUID.randomUUID().toString();
    try {
      StreamingQuery query =
          spark
              .readStream()
              .format("delta")
              .load(source().location(spark))
              .writeStream()
              .queryName("lakeops-silver-" + table)
              .trigger(Trigger.AvailableNow())
              .option("checkpointLocation", table.checkpoint(spark) + "/" + STEP)
              .foreachBatch(batchWriter(table, runId, counters))
              .start();
      query.awaitTermination();
    } catch (java.util.concurrent.TimeoutException
        | org.apache.spark.sql.streaming.StreamingQueryException e) {
      throw IngestErrors.stepFailed("refine " + table, e);
    }
    return new SilverResult(
        table,
        counters.batches.get(),
        counters.read.get(),
        counters.passed.get(),
        counters.quarantined.get(),
        Map.copyOf(counters.failures));
  }

  private VoidFunction2<Dataset<Row>, Long> batchWriter(
      TableName table, String runId, Counters counters) {
    return (rows, batchId) -> {
      Dataset<Row> checked = check(shape(rows)).persist();
      try {
        writeBatch(checked, table, runId, batchId, counters);
        BatchPause.pauseForTests();
      } finally {
        checked.unpersist();
      }
    };
  }

  private void writeBatch(
      Dataset<Row> checked, TableName table, String runId, long batchId, Counters counters) {
    List<Expectation> rules = spec.expectations();
    Row totals = checked.agg(count(lit(1)), failureCounts(rules)).first();
    long read = totals.getLong(0);
    long[] failed = new long[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      failed[i] = totals.isNullAt(i + 1) ? 0 : totals.getLong(i + 1);
    }
    Column dropped = dropped(rules);
    String appId = DeltaWrites.appId(STEP, table);
    List<String> broken = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).action() == Expectation.Action.FAIL && failed[i] > 0) {
        broken.add(
            String.format(
                "%s (%s) failed on %d of %d rows",
                rules.get(i).name(), rules.get(i).rule(), failed[i], read));
      }
    }
    if (!broken.isEmpty()) {
      writeMetrics(checked.sparkSession(), table, runId, batchId, read, failed, 0, 0);
      throw IngestErrors.expectationsFailed(table, batchId, broken);
    }
    Dataset<Row> quarantined =
        checked
            .where(dropped)
            .withColumn(IngestProperties.FAILED_RULES_COLUMN, failedRuleNames(rules))
            .withColumn("_quarantined_at", current_timestamp());
    long quarantinedRows = quarantined.count();
    DeltaWrites.append(dropViolations(quarantined), quarantine(), appId, batchId);
    DeltaWrites.append(dropViolations(checked.where(not(dropped))), table, appId, batchId);
    writeMetrics(
        checked.sparkSession(),
        table,
        runId,
        batchId,
        read,
        failed,
        read - quarantinedRows,
        quarantinedRows);
    counters.add(rules, read, read - quarantinedRows, quarantinedRows, failed);
  }

  private Dataset<Row> shape(Dataset<Row> rows) {
    List<Column> columns = new ArrayList<>();
    spec.columns().forEach((name, sql) -> columns.add(expr(sql).as(name)));
    for (String carried :
        new String[] {IngestProperties.SOURCE_FILE_COLUMN, IngestProperties.INGEST_TIME_COLUMN}) {
      if (List.of(rows.columns()).contains(carried) && !spec.columns().containsKey(carried)) {
        columns.add(col(carried));
      }
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  private Dataset<Row> check(Dataset<Row> shaped) {
    Dataset<Row> checked = shaped;
    for (Expectation rule : spec.expectations()) {
      checked =
          checked.withColumn(
              VIOLATION_PREFIX + rule.name(),
              not(coalesce(expr(rule.rule()).cast("boolean"), lit(false))));
    }
    return checked;
  }

  private static Column[] failureCounts(List<Expectation> rules) {
    return rules.stream()
        .map(rule -> sum(col(VIOLATION_PREFIX + rule.name()).cast("long")))
        .toArray(Column[]::new);
  }

  private static Column dropped(List<Expectation> rules) {
    Column any = lit(false);
    for (Expectation rule : rules) {
      if (rule.action() == Expectation.Action.DROP) {
        any = any.or(col(VIOLATION_PREFIX + rule.name()));
      }
    }
    return any;
  }

  private static Column failedRuleNames(List<Expectation> rules) {
    Column[] names =
        rules.stream()
            .filter(rule -> rule.action() == Expectation.Action.DROP)
            .map(rule -> when(col(VIOLATION_PREFIX + rule.name()), lit(rule.name())))
            .toArray(Column[]::new);
    return names.length == 0
        ? array().cast("array<string>")
        : filter(array(names), Column::isNotNull);
  }

  private Dataset<Row> dropViolations(Dataset<Row> rows) {
    Dataset<Row> result = rows;
    for (Expectation rule : spec.expectations()) {
      result = result.drop(VIOLATION_PREFIX + rule.name());
    }
    return result;
  }

  private void writeMetrics(
      SparkSession spark,
      TableName table,
      String runId,
      long batchId,
      long read,
      long[] failed,
      long passed,
      long quarantined) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = new ArrayList<>();
    List<Expectation> rules = spec.expectations();
    for (int i = 0; i < rules.size(); i++) {
      Expectation rule = rules.get(i);
      rows.add(
          RowFactory.create(
              table.toString(),
              runId,
              batchId,
              now,
              rule.name(),
              rule.rule(),
              rule.action().name().toLowerCase(java.util.Locale.ROOT),
              read,
              failed[i],
              passed,
              quarantined));
    }
    if (rows.isEmpty()) {
      rows.add(
          RowFactory.create(
              table.toString(),
              runId,
              batchId,
              now,
              null,
              null,
              null,
              read,
              0L,
              passed,
              quarantined));
    }
    DeltaWrites.append(
        spark.createDataFrame(rows, METRICS_SCHEMA),
        metrics(),
        DeltaWrites.appId("dq", table),
        batchId);
  }

  private TableName requireTarget() {
    if (target == null) {
      throw IngestErrors.noTarget("silver refinement", spec.source());
    }
    return target;
  }

  /** Running totals of one run, added to by the batches on the driver. */
  private static final class Counters implements java.io.Serializable {
    final AtomicLong batches = new AtomicLong();
    final AtomicLong read = new AtomicLong();
    final AtomicLong passed = new AtomicLong();
    final AtomicLong quarantined = new AtomicLong();
    final Map<String, Long> failures = new ConcurrentHashMap<>();

    void add(
        List<Expectation> rules,
        long readRows,
        long passedRows,
        long quarantinedRows,
        long[] failed) {
      batches.incrementAndGet();
      read.addAndGet(readRows);
      passed.addAndGet(passedRows);
      quarantined.addAndGet(quarantinedRows);
      for (int i = 0; i < rules.size(); i++) {
        failures.merge(rules.get(i).name(), failed[i], Long::sum);
      }
    }
  }
}
