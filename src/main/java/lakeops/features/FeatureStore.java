package lakeops.features;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Feature tables on Delta: create them with keys, write them with key checks and schema rules, and
 * join them point-in-time onto labels for training.
 *
 * <p>A feature table's keys live in its Delta table properties, so the table describes itself; each
 * catalog's {@code lakeops.feature_tables} lists them for SQL, and {@code lakeops.feature_stats}
 * keeps the statistics of every write (count, nulls, min, max, mean per column) as a drift
 * baseline.
 */
public final class FeatureStore {

  /** Folder of a LakeOps home's {@code conf/} holding the feature specs, {@code *.yml}. */
  public static final String SPECS_FOLDER = FeatureProperties.SPECS_FOLDER;

  /** File of an MLflow model folder that holds the model's feature lookups. */
  public static final String FEATURE_SPEC_FILE = FeatureProperties.FEATURE_SPEC_FILE;

  private final FeatureTables tables;
  private final TrainingSetBuilder trainingSets;

  private FeatureStore(SparkSession spark) {
    this.tables = new FeatureTables(spark);
    this.trainingSets = new TrainingSetBuilder(spark, tables);
  }

  /** The feature store of {@code spark}'s catalogs. */
  public static FeatureStore of(SparkSession spark) {
    return new FeatureStore(spark);
  }

  /**
   * Creates an empty feature table of {@code schema}, clustered on its keys; fails if it exists.
   */
  public FeatureTable createTable(FeatureTableSpec spec, StructType schema) {
    return tables.create(spec, schema);
  }

  /** The feature table called {@code name}. */
  public FeatureTable table(String name) {
    return tables.snapshot(name).table();
  }

  /** Every feature table of {@code catalog}, from its metadata table. */
  public List<String> listTables(String catalog) {
    return tables.list(catalog);
  }

  /**
   * Writes {@code rows} to feature table {@code name}: merged on its row keys or overwriting it.
   * Refuses null or duplicate keys (showing them) and columns whose type differs from the table's;
   * new columns are added. Records statistics of the written rows.
   */
  public FeatureTable writeTable(String name, Dataset<Row> rows, WriteMode mode) {
    return tables.write(name, rows, mode);
  }

  /**
   * The computed feature tables of every {@code *.yml} spec under {@code location} (or of that one
   * file), in {@code catalog}.
   */
  public static List<ComputedFeatureTable> specs(Path location, String catalog) {
    return FeatureSpecs.load(location, catalog);
  }

  /**
   * Runs the query of {@code computed} and merges its rows into the feature table, creating the
   * table on first use. Idempotent: rows whose features did not change are not rewritten, so a
   * re-run on unchanged upstream data changes no row.
   */
  public FeatureTable compute(ComputedFeatureTable computed) {
    return tables.compute(computed);
  }

  /** Joins {@code lookups} point-in-time onto {@code labels}; label rows are kept one for one. */
  public TrainingSet createTrainingSet(Dataset<Row> labels, FeatureLookup... lookups) {
    return trainingSets.build(labels, lookups);
  }

  /**
   * Features for a time range without a label frame: one row per row of the first lookup's table
   * whose timestamp is in [{@code from}, {@code to}] (its keys and time under the lookup's label
   * column names), with every lookup joined point-in-time onto it, the first included.
   */
  public TrainingSet retrieveRange(Instant from, Instant to, FeatureLookup... lookups) {
    return trainingSets.range(from, to, lookups);
  }
}
