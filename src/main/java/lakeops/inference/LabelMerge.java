package lakeops.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import lakeops.training.ModelSpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Merges a model's labels into its predictions: the label rows of the model's {@code labels:} table
 * (its label expression and filter), one label per key (keys whose label rows disagree are left
 * out), matched on the model's lookup keys and timestamp key to the model's predictions that have
 * no label yet; one MERGE, so a re-run changes nothing and writes no commit.
 */
final class LabelMerge {

  private final SparkSession spark;
  private final String predictionsTable;

  LabelMerge(SparkSession spark, String predictionsTable) {
    this.spark = spark;
    this.predictionsTable = predictionsTable;
  }

  LabelResult merge(String model, ModelSpec spec) {
    ModelSpec.Labels labels = spec.labels();
    if (labels == null || labels.table() == null || labels.label() == null) {
      throw InferenceErrors.cannotReadModelConfig(model, "its config has no labels table or label");
    }
    if (!spark.catalog().tableExists(predictionsTable)) {
      return new LabelResult(model, labels.table(), predictionsTable, 0, -1);
    }
    List<String> keys = keys(spec);
    if (keys.isEmpty()) {
      throw InferenceErrors.noLabelKeys(model);
    }
    requireColumns(model, predictionsTable, keys);
    requireColumns(model, labels.table(), keys);
    spark
        .sparkContext()
        .setJobGroup(InferenceProperties.JOB_GROUP, "Merge the labels of " + model, false);
    try {
      Row merged = spark.sql(statement(model, labels, keys)).first();
      long updated = merged.getLong(merged.fieldIndex("num_updated_rows"));
      return new LabelResult(
          model, labels.table(), predictionsTable, updated, tableVersion(predictionsTable));
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  private String statement(String model, ModelSpec.Labels labels, List<String> keys) {
    String keyList = keys.stream().map(LabelMerge::quote).collect(Collectors.joining(", "));
    String source =
        String.format(
            "SELECT %s, CAST((%s) AS DOUBLE) AS __label FROM %s%s",
            keyList,
            labels.label(),
            labels.table(),
            labels.where() == null || labels.where().isBlank() ? "" : " WHERE " + labels.where());
    String perKey =
        String.format(
            "SELECT %s, min(__label) AS __label FROM (%s) WHERE __label IS NOT NULL "
                + "GROUP BY %s HAVING min(__label) = max(__label)",
            keyList, source, keyList);
    String on =
        keys.stream()
            .map(k -> "t." + quote(k) + " = s." + quote(k))
            .collect(Collectors.joining(" AND "));
    return String.format(
        "MERGE INTO %s t USING (%s) s ON t.%s = '%s' AND t.%s IS NULL AND %s "
            + "WHEN MATCHED THEN UPDATE SET %s = s.__label, %s = current_timestamp()",
        predictionsTable,
        perKey,
        InferenceProperties.MODEL_NAME,
        model.replace("'", "\\'"),
        InferenceProperties.LABEL,
        on,
        InferenceProperties.LABEL,
        InferenceProperties.LABELLED_AT);
  }

  /** The model's lookup keys, then its timestamp lookup keys, each once. */
  private static List<String> keys(ModelSpec spec) {
    List<String> keys = new ArrayList<>();
    List<String> times = new ArrayList<>();
    if (spec.features() != null) {
      for (ModelSpec.Lookup lookup : spec.features()) {
        if (lookup.lookupKeys() != null) {
          lookup.lookupKeys().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        }
        if (lookup.timestampLookupKey() != null && !times.contains(lookup.timestampLookupKey())) {
          times.add(lookup.timestampLookupKey());
        }
      }
    }
    times.stream().filter(t -> !keys.contains(t)).forEach(keys::add);
    return keys;
  }

  private void requireColumns(String model, String table, List<String> columns) {
    List<String> present = Arrays.asList(spark.table(table).columns());
    List<String> missing = columns.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw InferenceErrors.missingLabelColumns(model, table, missing);
    }
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private long tableVersion(String table) {
    return io.delta.tables.DeltaTable.forName(spark, table)
        .history(1)
        .select("version")
        .first()
        .getLong(0);
  }
}
