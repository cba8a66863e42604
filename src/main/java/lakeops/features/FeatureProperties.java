package lakeops.features;

/** Names and defaults of the feature store. */
final class FeatureProperties {

  private FeatureProperties() {}

  /** Schema of each catalog holding the feature store's own tables. */
  public static final String SYSTEM_SCHEMA = "lakeops";

  /**
   * Table (in {@link #SYSTEM_SCHEMA}) listing every feature table of the catalog; SQL-queryable.
   */
  public static final String METADATA_TABLE = "feature_tables";

  /** Table (in {@link #SYSTEM_SCHEMA}) with per-write statistics of every feature column. */
  public static final String STATS_TABLE = "feature_stats";

  /** Delta table property holding a feature table's primary keys, comma separated. */
  public static final String PRIMARY_KEYS_PROPERTY = "lakeops.features.primaryKeys";

  /** Delta table property holding a feature table's timestamp key, if it has one. */
  public static final String TIMESTAMP_KEY_PROPERTY = "lakeops.features.timestampKey";

  /** Delta table property marking a table as a feature table. */
  public static final String FEATURE_TABLE_PROPERTY = "lakeops.features.featureTable";

  /**
   * The name {@link #PRIMARY_KEYS_PROPERTY} had in tables created by earlier versions: still read
   * (the new name wins when a table has both), never written.
   */
  static final String LEGACY_PRIMARY_KEYS_PROPERTY = "lakeops.feature.primary_keys";

  /**
   * The name {@link #TIMESTAMP_KEY_PROPERTY} had earlier: read like {@link
   * #LEGACY_PRIMARY_KEYS_PROPERTY}.
   */
  static final String LEGACY_TIMESTAMP_KEY_PROPERTY = "lakeops.feature.timestamp_key";

  /**
   * Delta's change data feed, on for every feature table from creation: as-known-at lookups read
   * each row version's commit time from it.
   */
  public static final String CHANGE_FEED_PROPERTY = "delta.enableChangeDataFeed";

  /** Folder of {@code conf/} holding the feature specs, {@code *.yml}. */
  public static final String SPECS_FOLDER = "features";

  /** How many offending keys a duplicate-key error shows at most. */
  public static final int DUPLICATE_KEYS_SHOWN = 10;

  /** File, inside a model directory, holding the feature lookups the model was trained with. */
  public static final String FEATURE_SPEC_FILE = "feature_spec.json";

  /**
   * Table (in {@link #SYSTEM_SCHEMA}) recording which registered model versions were trained on
   * which feature tables at which Delta versions.
   */
  public static final String LINEAGE_TABLE = "feature_lineage";
}
