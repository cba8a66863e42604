package lakeops.features;

/**
 * A feature table computed by a query, as {@code conf/features/*.yml} declares it: the table's spec
 * and the Spark SQL that produces all of its rows from upstream tables (e.g. gold).
 *
 * @param spec the feature table: name, keys, description, tags, owner
 * @param query Spark SQL returning the keys, the timestamp key and the features
 */
public record ComputedFeatureTable(FeatureTableSpec spec, String query) {

  /** Checks that there is a spec and a query. */
  public ComputedFeatureTable {
    if (spec == null) {
      throw FeatureErrors.noComputedSpec();
    }
    if (query == null || query.isBlank()) {
      throw FeatureErrors.emptyQuery(spec.name());
    }
  }

  /** The feature table's three-part name. */
  public String name() {
    return spec.name();
  }
}
