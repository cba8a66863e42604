package lakeops.features;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Labels joined point-in-time with their features, and what produced them: the lookups and the
 * Delta version of every feature table read (for lineage and reproducibility).
 *
 * @param data label columns followed by the looked-up features
 * @param lookups the lookups, in order
 * @param tableVersions feature table name → Delta version read
 */
public record TrainingSet(
    Dataset<Row> data, List<FeatureLookup> lookups, Map<String, Long> tableVersions) {

  /** Copies the list and map. */
  public TrainingSet {
    lookups = List.copyOf(lookups);
    tableVersions = Map.copyOf(tableVersions);
  }
}
