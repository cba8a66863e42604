package lakeops.features;

/** How {@link FeatureStore#writeTable} combines new rows with a feature table. */
public enum WriteMode {
  /** Upsert on the row keys (primary keys + timestamp key): update matches, insert the rest. */
  MERGE,
  /** Replace every row of the table atomically. */
  OVERWRITE
}
