package lakeops.features;

import org.apache.spark.sql.types.StructType;

/**
 * A feature table as it is now: its spec, schema and the Delta version of its data.
 *
 * @param spec keys and metadata
 * @param schema the table's columns
 * @param version the Delta version of the table's current data
 */
public record FeatureTable(FeatureTableSpec spec, StructType schema, long version) {

  /** The table's three-part name. */
  public String name() {
    return spec.name();
  }
}
