package lakeops.inference;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import lakeops.features.FeatureScoring;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scoring run: resolves and downloads the model version, reads one Delta version of the input,
 * checks its columns, keeps the rows whose keys the version has not scored from this input yet,
 * scores them with their features looked up, and appends them to the predictions table in one
 * commit carrying {@code txnAppId} (predictions table, input, model version) and {@code txnVersion}
 * (the input version).
 */
final class BatchScoring {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScoring.class);

  private final SparkSession spark;
  private final ModelRegistry registry;
  private final String predictionsTable;

  BatchScoring(SparkSession spark, ModelRegistry registry, String predictionsTable) {
    this.spark = spark;
    this.registry = registry;
    this.predictionsTable = predictionsTable;
  }

  ScoringResult score(String modelUri, String inputTable) {
    ModelVersion version = registry.resolve(modelUri);
    String model = version.name() + "/" + version.version();
    long inputVersion = tableVersion(inputTable);
    if (inputVersion < 0) {
      throw InferenceErrors.noInputTable(inputTable);
    }
    spark
        .sparkContext()
        .setJobGroup(
            InferenceProperties.JOB_GROUP, "Score " + inputTable + " with " + model, false);
    Path dir = download(version);
    try {
      ModelInputs inputs = ModelInputs.read(spark, model, dir);
      Dataset<Row> input =
          spark.sql("SELECT * FROM " + inputTable + " VERSION AS OF " + inputVersion);
      inputs.check(inputTable, input.schema());
      if (scoredVersion(version, inputTable) >= inputVersion) {
        return result(version, inputTable, inputVersion, 0, true);
      }
      Dataset<Row> rows =
          unscored(
              input.select(
                  inputs.required().keySet().stream().map(c -> col(c)).toArray(Column[]::new)),
              inputs,
              version,
              inputTable);
      Dataset<Row> scored =
          predictions(
              FeatureScoring.of(spark, registry).scoreBatch(dir, rows),
              inputs,
              version,
              inputTable,
              inputVersion);
      scored.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long count = scored.count();
        if (count > 0) {
          append(scored, appId(version, inputTable), inputVersion);
        }
        return result(version, inputTable, inputVersion, count, false);
      } finally {
        scored.unpersist();
      }
    } finally {
      delete(dir);
      spark.sparkContext().clearJobGroup();
    }
  }

  /** The rows whose keys this model version has not yet scored from this input. */
  private Dataset<Row> unscored(
      Dataset<Row> rows, ModelInputs inputs, ModelVersion version, String inputTable) {
    if (!spark.catalog().tableExists(predictionsTable)) {
      return rows;
    }
    Dataset<Row> done = done(version, inputTable).select(keys(inputs, "").toArray(Column[]::new));
    Column same = lit(true);
    for (String key : inputs.keyColumns()) {
      same = same.and(rows.col(key).eqNullSafe(done.col(key)));
    }
    return rows.join(done, same, "left_anti");
  }

  private static List<Column> keys(ModelInputs inputs, String prefix) {
    List<Column> columns = new ArrayList<>();
    inputs.keyColumns().forEach(k -> columns.add(col(prefix + k)));
    return columns;
  }

  /** Predictions rows in the table's layout. */
  private static Dataset<Row> predictions(
      Dataset<Row> scored,
      ModelInputs inputs,
      ModelVersion version,
      String inputTable,
      long inputVersion) {
    List<Column> columns = keys(inputs, "");
    Timestamp now = Timestamp.from(Instant.now());
    columns.add(
        inputs
            .timestampKey()
            .map(t -> col(t).cast(DataTypes.TimestampType))
            .orElse(lit(now))
            .as(InferenceProperties.TIMESTAMP));
    columns.add(
        col(InferenceProperties.MODEL_PREDICTION)
            .cast(DataTypes.DoubleType)
            .as(InferenceProperties.PREDICTION));
    columns.add(probability(scored).as(InferenceProperties.PROBABILITY));
    columns.add(lit(null).cast(DataTypes.DoubleType).as(InferenceProperties.LABEL));
    columns.add(lit(version.name()).as(InferenceProperties.MODEL_NAME));
    columns.add(lit(Integer.toString(version.version())).as(InferenceProperties.MODEL_VERSION));
    columns.add(lit(inputTable).as(InferenceProperties.INPUT_TABLE));
    columns.add(lit(inputVersion).as(InferenceProperties.INPUT_VERSION));
    columns.add(lit(now).as(InferenceProperties.SCORED_AT));
    columns.add(lit(null).cast(DataTypes.TimestampType).as(InferenceProperties.LABELLED_AT));
    return scored.select(columns.toArray(Column[]::new));
  }

  /** Class 1's probability of a binary classifier; null for other models. */
  private static Column probability(Dataset<Row> scored) {
    if (!List.of(scored.columns()).contains(InferenceProperties.MODEL_PROBABILITY)) {
      return lit(null).cast(DataTypes.DoubleType);
    }
    Column array =
        org.apache.spark.ml.functions.vector_to_array(
            col(InferenceProperties.MODEL_PROBABILITY), "float64");
    return when(size(array).equalTo(2), element_at(array, 2)).cast(DataTypes.DoubleType);
  }

  /** The predictions this model version made from {@code inputTable}. */
  private Dataset<Row> done(ModelVersion version, String inputTable) {
    return spark
        .table(predictionsTable)
        .where(
            col(InferenceProperties.MODEL_NAME)
                .equalTo(version.name())
                .and(
                    col(InferenceProperties.MODEL_VERSION)
                        .equalTo(Integer.toString(version.version())))
                .and(col(InferenceProperties.INPUT_TABLE).equalTo(inputTable)));
  }

  /** The latest input version this model version scored from {@code inputTable}, or -1. */
  private long scoredVersion(ModelVersion version, String inputTable) {
    if (!spark.catalog().tableExists(predictionsTable)) {
      return -1;
    }
    Row latest = done(version, inputTable).agg(max(col(InferenceProperties.INPUT_VERSION))).first();
    return latest.isNullAt(0) ? -1 : latest.getLong(0);
  }

  private void append(Dataset<Row> rows, String appId, long txnVersion) {
    String schema = predictionsTable.substring(0, predictionsTable.lastIndexOf('.'));
    spark.sql("CREATE SCHEMA IF NOT EXISTS " + schema);
    var writer =
        rows.write()
            .format("delta")
            .mode(SaveMode.Append)
            .option("txnAppId", appId)
            .option("txnVersion", Long.toString(txnVersion));
    if (!spark.catalog().tableExists(predictionsTable)) {
      // Created by its first write, so version 0 (a monitor's default baseline) holds predictions;
      // the change data feed lets monitors refresh only the windows labels changed.
      writer = writer.option("delta.enableChangeDataFeed", "true");
    }
    writer.saveAsTable(predictionsTable);
  }

  private String appId(ModelVersion version, String inputTable) {
    return InferenceProperties.TXN_APP_PREFIX
        + predictionsTable
        + ":"
        + inputTable
        + ":"
        + version.name()
        + "/"
        + version.version();
  }

  private ScoringResult result(
      ModelVersion version, String inputTable, long inputVersion, long rows, boolean already) {
    return new ScoringResult(
        version.name(),
        version.version(),
        inputTable,
        inputVersion,
        predictionsTable,
        rows,
        already,
        tableVersion(predictionsTable));
  }

  /** The latest Delta version of {@code table}, or -1 if it is no table. */
  private long tableVersion(String table) {
    if (!spark.catalog().tableExists(table)) {
      return -1;
    }
    return io.delta.tables.DeltaTable.forName(spark, table)
        .history(1)
        .select("version")
        .first()
        .getLong(0);
  }

  private Path download(ModelVersion version) {
    try {
      Path dir = Files.createTempDirectory("lakeops-inference-");
      registry.download(version.uri(), dir);
      return dir;
    } catch (IOException e) {
      throw InferenceErrors.cannotDownload(version.uri(), e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Cannot delete model folder {}: {}", dir, e.getMessage());
    }
  }
}
