package lakeops.ingest;

import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Idempotent Delta writes: each carries Delta's {@code txnAppId} (the step and its target) and
 * {@code txnVersion} (the batch or source version), so Delta skips a write it has already
 * committed. A batch replayed after a crash is therefore written once.
 */
final class DeltaWrites {

  private DeltaWrites() {}

  /** The transaction id of {@code step} writing {@code target}. */
  static String appId(String step, TableName target) {
    return IngestProperties.TXN_APP_PREFIX + step + ":" + target;
  }

  /**
   * Appends {@code rows} to {@code target} unless version {@code txnVersion} of {@code appId} is
   * in.
   */
  static void append(Dataset<Row> rows, TableName target, String appId, long txnVersion) {
    writer(rows, appId, txnVersion)
        .mode(SaveMode.Append)
        .option("mergeSchema", "true")
        .save(target.location(rows.sparkSession()));
  }

  /**
   * Replaces {@code target} with {@code rows} unless version {@code txnVersion} of {@code appId} is
   * in.
   */
  static void overwrite(
      Dataset<Row> rows,
      TableName target,
      String appId,
      long txnVersion,
      String... partitionColumns) {
    DataFrameWriter<Row> writer =
        writer(rows, appId, txnVersion).mode(SaveMode.Overwrite).option("overwriteSchema", "true");
    if (partitionColumns.length > 0) {
      writer = writer.partitionBy(partitionColumns);
    }
    writer.save(target.location(rows.sparkSession()));
  }

  /** The latest version of {@code table}, or -1 if it does not exist. */
  static long version(SparkSession spark, TableName table) {
    if (!table.exists(spark)) {
      return -1;
    }
    return io.delta.tables.DeltaTable.forPath(spark, table.location(spark))
        .history(1)
        .select("version")
        .first()
        .getLong(0);
  }

  private static DataFrameWriter<Row> writer(Dataset<Row> rows, String appId, long txnVersion) {
    return rows.write()
        .format("delta")
        .option("txnAppId", appId)
        .option("txnVersion", Long.toString(txnVersion));
  }
}
