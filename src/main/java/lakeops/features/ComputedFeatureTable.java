package lakeops.features;

import lakeops.exceptions.ValidationException;

/**
 * A feature table computed by a query, as {@code conf/features/*.yml} declares it: the table's spec
 * and the Spark SQL that produces all of its rows from upstream tables (e.g. gold).
 *
 * @param spec the feature table: name, keys, description, tags, owner
 * @param query Spark SQL returning the keys, the timestamp key and the features
 */
public record ComputedFeatureTable(FeatureTableSpec spec, String query) {

  public ComputedFeatureTable {
    ValidationException.check(spec != null, "Invalid computed feature table: no spec");
    ValidationException.check(query != null && !query.isBlank(),
        "Invalid computed feature table %s: the query is empty", spec.name());
  }

  public String name() {
    return spec.name();
  }
}
