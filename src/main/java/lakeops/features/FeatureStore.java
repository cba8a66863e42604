package lakeops.features;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.SchemaMismatchException;
import lakeops.exceptions.ValidationException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.connector.catalog.CatalogManager;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.delta.catalog.DeltaTableV2;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Feature tables on Delta: create them with keys, write them with key checks and schema rules, and
 * join them point-in-time onto labels for training.
 *
 * <p>A feature table's keys live in its Delta table properties, so the table describes itself; each
 * catalog's {@code lakeops.feature_tables} lists them for SQL, and {@code lakeops.feature_stats} keeps
 * the statistics of every write (count, nulls, min, max, mean per column) as a drift baseline.
 */
public final class FeatureStore {

  private final SparkSession spark;
  private final FeatureMetadata metadata;

  private FeatureStore(SparkSession spark) {
    this.spark = spark;
    this.metadata = new FeatureMetadata(spark);
  }

  /** The feature store of {@code spark}'s catalogs. */
  public static FeatureStore of(SparkSession spark) {
    return new FeatureStore(spark);
  }

  /** Creates an empty feature table of {@code schema}, clustered on its keys; fails if it exists. */
  public FeatureTable createTable(FeatureTableSpec spec, StructType schema) {
    checkColumns(spec, schema);
    ValidationException.check(!spark.catalog().tableExists(spec.name()),
        "Cannot create feature table %s: it already exists", spec.name());
    // SQL, not DeltaTableBuilder: the builder's tableName() accepts two-part names only.
    spark.sql(String.format("CREATE TABLE %s (%s) USING delta CLUSTER BY (%s) COMMENT %s "
            + "TBLPROPERTIES ('%s' = 'true', '%s' = 'true', '%s' = %s, '%s' = %s)",
        spec.name(), withNonNullKeys(schema, spec).toDDL(), quoted(spec.rowKeys()),
        literal(spec.description()), FeatureProperties.CHANGE_FEED_PROPERTY,
        FeatureProperties.FEATURE_TABLE_PROPERTY,
        FeatureProperties.PRIMARY_KEYS_PROPERTY, literal(String.join(",", spec.primaryKeys())),
        FeatureProperties.TIMESTAMP_KEY_PROPERTY, literal(spec.timestampKey().orElse(""))));
    FeatureTable table = table(spec.name(), spec);
    metadata.record(table, null);
    return table;
  }

  /** The feature table called {@code name}. */
  public FeatureTable table(String name) {
    return snapshot(name).table();
  }

  /** Every feature table of {@code catalog}, from its metadata table. */
  public List<String> listTables(String catalog) {
    return metadata.names(catalog);
  }

  /**
   * Writes {@code rows} to feature table {@code name}: merged on its row keys or overwriting it.
   * Refuses null or duplicate keys (showing them) and columns whose type differs from the table's;
   * new columns are added. Records statistics of the written rows.
   */
  public FeatureTable writeTable(String name, Dataset<Row> rows, WriteMode mode) {
    FeatureTableSpec spec = specOf(name);
    StructType current = spark.table(name).schema();
    checkKeysPresent(spec, rows.schema());
    checkTypes(name, current, rows.schema());
    checkKeys(spec, rows);
    addNewColumns(name, current, rows.schema());
    if (mode == WriteMode.MERGE) {
      String condition = spec.rowKeys().stream()
          .map(k -> "t.`" + k + "` = s.`" + k + "`").collect(Collectors.joining(" AND "));
      DeltaTable.forName(spark, name).as("t").merge(rows.as("s"), condition)
          .whenMatched(changed(spec, rows.schema())).updateAll().whenNotMatched().insertAll().execute();
    } else {
      try {
        rows.writeTo(name).overwrite(functions.lit(true));
      } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
        throw new LakeOpsException("Cannot overwrite feature table " + name + ": it was dropped", e);
      }
    }
    FeatureTable table = table(name, spec);
    metadata.record(table, rows);
    return table;
  }

  /**
   * Runs the query of {@code computed} and merges its rows into the feature table, creating the
   * table on first use. Idempotent: rows whose features did not change are not rewritten, so a
   * re-run on unchanged upstream data changes no row.
   */
  public FeatureTable compute(ComputedFeatureTable computed) {
    Dataset<Row> rows = spark.sql(computed.query());
    if (!spark.catalog().tableExists(computed.name())) {
      createTable(computed.spec(), rows.schema());
    }
    return writeTable(computed.name(), rows, WriteMode.MERGE);
  }

  /** Joins {@code lookups} point-in-time onto {@code labels}; label rows are kept one for one. */
  public TrainingSet createTrainingSet(Dataset<Row> labels, FeatureLookup... lookups) {
    return createTrainingSet(labels, new LinkedHashMap<>(), lookups);
  }

  /**
   * The training set, reading each feature table's snapshot once (into {@code snapshots}, by name):
   * the metadata of one Delta log read per table, and one Spark job for the label time ranges.
   */
  private TrainingSet createTrainingSet(Dataset<Row> labels, Map<String, TableSnapshot> snapshots,
      FeatureLookup... lookups) {
    Dataset<Row> data = labels;
    Map<String, Long> versions = new LinkedHashMap<>();
    Map<String, TimeRange> ranges = labelTimeRanges(labels, lookups);
    for (FeatureLookup lookup : lookups) {
      TableSnapshot snapshot = snapshots.computeIfAbsent(lookup.table(), this::snapshot);
      versions.put(snapshot.table().name(), snapshot.table().version());
      data = join(data, lookup, snapshot, ranges);
    }
    return new TrainingSet(data, List.of(lookups), versions);
  }

  /**
   * Features for a time range without a label frame: one row per row of the first lookup's table
   * whose timestamp is in [{@code from}, {@code to}] (its keys and time under the lookup's label
   * column names), with every lookup joined point-in-time onto it, the first included.
   */
  public TrainingSet retrieveRange(Instant from, Instant to, FeatureLookup... lookups) {
    ValidationException.check(lookups.length > 0, "Cannot retrieve a range: no feature lookups given");
    ValidationException.check(!to.isBefore(from), "Invalid range [%s, %s]: it ends before it starts",
        from, to);
    FeatureLookup first = lookups[0];
    Map<String, TableSnapshot> snapshots = new LinkedHashMap<>();
    FeatureTableSpec spec = snapshots.computeIfAbsent(first.table(), this::snapshot).table().spec();
    ValidationException.check(spec.timestampKey().isPresent() && first.timestampLookupKey().isPresent(),
        "Cannot retrieve a range from %s: the first lookup must be of a time-series table, with asOf(..)",
        first.table());
    ValidationException.check(first.lookupKeys().size() == spec.primaryKeys().size(),
        "Invalid lookup of %s: %d lookup keys %s for primary keys %s", first.table(),
        first.lookupKeys().size(), first.lookupKeys(), spec.primaryKeys());
    List<Column> spine = new ArrayList<>();
    for (int i = 0; i < spec.primaryKeys().size(); i++) {
      spine.add(col("`" + spec.primaryKeys().get(i) + "`").as(first.lookupKeys().get(i)));
    }
    Column time = col("`" + spec.timestampKey().get() + "`");
    spine.add(time.as(first.timestampLookupKey().get()));
    Column inRange = time.cast(DataTypes.TimestampType).between(
        functions.lit(java.sql.Timestamp.from(from)), functions.lit(java.sql.Timestamp.from(to)));
    Dataset<Row> labels = spark.table(first.table()).where(inRange).select(spine.toArray(Column[]::new));
    return createTrainingSet(labels, snapshots, lookups);
  }

  /** Earliest and latest label time of a time column; both null when there are no label times. */
  private record TimeRange(java.sql.Timestamp earliest, java.sql.Timestamp latest) {}

  /**
   * The time range of every label time column the lookups use, in one pass over the labels as given
   * (not over the labels joined so far, which would run the earlier joins once more).
   */
  private static Map<String, TimeRange> labelTimeRanges(Dataset<Row> labels, FeatureLookup... lookups) {
    List<String> columns = Arrays.stream(lookups).map(FeatureLookup::timestampLookupKey)
        .flatMap(Optional::stream).distinct()
        .filter(c -> Arrays.asList(labels.columns()).contains(c)).toList();
    if (columns.isEmpty()) {
      return Map.of();
    }
    List<Column> aggregates = new ArrayList<>();
    for (String column : columns) {
      Column time = col("`" + column + "`").cast(DataTypes.TimestampType);
      aggregates.add(functions.min(time));
      aggregates.add(functions.max(time));
    }
    Row row = labels.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
        .first();
    Map<String, TimeRange> ranges = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      ranges.put(columns.get(i), new TimeRange(row.getTimestamp(2 * i), row.getTimestamp(2 * i + 1)));
    }
    return ranges;
  }

  private Dataset<Row> join(Dataset<Row> labels, FeatureLookup lookup, TableSnapshot snapshot,
      Map<String, TimeRange> ranges) {
    FeatureTable table = snapshot.table();
    FeatureTableSpec spec = table.spec();
    ValidationException.check(lookup.lookupKeys().size() == spec.primaryKeys().size(),
        "Invalid lookup of %s: %d lookup keys %s for primary keys %s", table.name(),
        lookup.lookupKeys().size(), lookup.lookupKeys(), spec.primaryKeys());
    List<String> labelColumns = Arrays.asList(labels.columns());
    for (String key : lookup.lookupKeys()) {
      ValidationException.check(labelColumns.contains(key),
          "Invalid lookup of %s: the labels have no column %s (they have %s)", table.name(), key,
          labelColumns);
    }
    List<String> featureColumns = lookup.features().isEmpty()
        ? Arrays.stream(table.schema().fieldNames()).filter(c -> !spec.rowKeys().contains(c)).toList()
        : lookup.features();
    for (String feature : featureColumns) {
      ValidationException.check(Arrays.asList(table.schema().fieldNames()).contains(feature),
          "Invalid lookup of %s: no feature %s", table.name(), feature);
    }
    PointInTimeJoin.checkNoClash(labels.columns(), lookup, featureColumns);
    if (spec.timestampKey().isEmpty()) {
      ValidationException.check(!lookup.knownAt(),
          "Invalid lookup of %s: asKnownAt needs a time-series table (it has no timestamp key)",
          table.name());
      Dataset<Row> features = spark.read().format("delta").option("versionAsOf", table.version())
          .table(table.name());
      return joinOnKeys(labels, features, lookup, spec, featureColumns);
    }
    ValidationException.check(lookup.timestampLookupKey().isPresent(),
        "Invalid lookup of %s: it is a time-series table (timestamp key %s); say asOf(labelTimeColumn)",
        table.name(), spec.timestampKey().get());
    ValidationException.check(labelColumns.contains(lookup.timestampLookupKey().get()),
        "Invalid lookup of %s: the labels have no time column %s", table.name(),
        lookup.timestampLookupKey().get());
    Dataset<Row> features = lookup.knownAt() ? rowVersions(snapshot)
        : spark.read().format("delta").option("versionAsOf", table.version()).table(table.name());
    Dataset<Row> pruned = prune(labels, features, lookup, spec.timestampKey().get(), ranges);
    return PointInTimeJoin.asOf(labels, pruned, lookup, spec.primaryKeys(), spec.timestampKey().get(),
        featureColumns);
  }

  /**
   * Every version of every row of {@code table} up to its current version, with the commit time
   * that wrote it, from the change data feed (inserts and update post-images).
   */
  private Dataset<Row> rowVersions(TableSnapshot snapshot) {
    FeatureTable table = snapshot.table();
    ValidationException.check("true".equalsIgnoreCase(
            snapshot.properties().get(FeatureProperties.CHANGE_FEED_PROPERTY)),
        "Invalid lookup of %s: asKnownAt reads the table's change data feed, which is off; enable it "
            + "with ALTER TABLE %s SET TBLPROPERTIES ('%s' = 'true') (it records writes from then on)",
        table.name(), table.name(), FeatureProperties.CHANGE_FEED_PROPERTY);
    return spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", 0).option("endingVersion", table.version()).table(table.name())
        .where(col("_change_type").isin("insert", "update_postimage"))
        .withColumn(PointInTimeJoin.COMMIT_TIME, col("_commit_timestamp"))
        .drop("_change_type", "_commit_version", "_commit_timestamp");
  }

  /** Keeps feature rows in [earliest label − lookback, latest label]: no later row can match. */
  private Dataset<Row> prune(Dataset<Row> labels, Dataset<Row> features, FeatureLookup lookup,
      String timestampKey, Map<String, TimeRange> ranges) {
    String timeColumn = lookup.timestampLookupKey().get();
    TimeRange range = ranges.containsKey(timeColumn) ? ranges.get(timeColumn)
        : labelTimeRanges(labels, lookup).get(timeColumn);
    if (range.latest() == null) {
      return features.limit(0);
    }
    Column featureTime = col("`" + timestampKey + "`").cast(DataTypes.TimestampType);
    Column keep = featureTime.leq(functions.lit(range.latest()));
    if (lookup.knownAt()) {
      keep = keep.and(col(PointInTimeJoin.COMMIT_TIME).leq(functions.lit(range.latest())));
    }
    if (lookup.lookbackWindow().isPresent()) {
      java.sql.Timestamp earliest = java.sql.Timestamp.from(
          range.earliest().toInstant().minus(lookup.lookbackWindow().get()));
      keep = keep.and(featureTime.geq(functions.lit(earliest)));
    }
    return features.where(keep);
  }

  private static Dataset<Row> joinOnKeys(Dataset<Row> labels, Dataset<Row> features,
      FeatureLookup lookup, FeatureTableSpec spec, List<String> featureColumns) {
    List<Column> selected = new ArrayList<>();
    for (int i = 0; i < spec.primaryKeys().size(); i++) {
      selected.add(col("`" + spec.primaryKeys().get(i) + "`").as("__lakeops_key_" + i));
    }
    for (String feature : featureColumns) {
      Column value = col("`" + feature + "`");
      selected.add(value.as(lookup.outputName(feature)));
    }
    Dataset<Row> right = features.select(selected.toArray(Column[]::new));
    Column condition = functions.lit(true);
    for (int i = 0; i < spec.primaryKeys().size(); i++) {
      condition = condition.and(labels.col("`" + lookup.lookupKeys().get(i) + "`")
          .equalTo(right.col("__lakeops_key_" + i)));
    }
    Dataset<Row> joined = labels.join(right, condition, "left");
    List<Column> output = new ArrayList<>();
    for (String column : labels.columns()) {
      output.add(labels.col("`" + column + "`"));
    }
    for (String feature : featureColumns) {
      Column value = right.col("`" + lookup.outputName(feature) + "`");
      if (lookup.defaults().containsKey(feature)) {
        value = functions.coalesce(value, functions.lit(lookup.defaults().get(feature)));
      }
      output.add(value.as(lookup.outputName(feature)));
    }
    return joined.select(output.toArray(Column[]::new));
  }

  private FeatureTable table(String name, FeatureTableSpec spec) {
    TableSnapshot snapshot = snapshot(name);
    return new FeatureTable(spec, snapshot.table().schema(), snapshot.table().version());
  }

  private FeatureTableSpec specOf(String name) {
    return snapshot(name).table().spec();
  }

  /**
   * A feature table as of one read of its Delta log: spec, schema and version, and its table
   * properties, all from the same snapshot (no SQL command, no history scan, no Spark job).
   */
  private record TableSnapshot(FeatureTable table, Map<String, String> properties) {}

  private TableSnapshot snapshot(String name) {
    DeltaTableV2 delta = deltaTable(name);
    org.apache.spark.sql.delta.Snapshot snapshot = delta.initialSnapshot();
    Map<String, String> properties = snapshot.metadata().getConfiguration();
    String keys = properties.get(FeatureProperties.PRIMARY_KEYS_PROPERTY);
    if (keys == null || keys.isBlank()) {
      throw new LakeOpsException("Table " + name + " is not a feature table (no property "
          + FeatureProperties.PRIMARY_KEYS_PROPERTY + "); create it with FeatureStore.createTable");
    }
    String timestampKey = properties.getOrDefault(FeatureProperties.TIMESTAMP_KEY_PROPERTY, "");
    FeatureTableSpec spec = new FeatureTableSpec(name, List.of(keys.split(",")),
        timestampKey.isBlank() ? Optional.empty() : Optional.of(timestampKey),
        snapshot.metadata().getDescription(), Map.of(), "");
    return new TableSnapshot(new FeatureTable(spec, delta.schema(), snapshot.version()), properties);
  }

  /** The Delta table {@code name} from its catalog; unknown tables and non-Delta tables are refused. */
  private DeltaTableV2 deltaTable(String name) {
    List<String> parts = CollectionConverters.asJava(
        CatalystSqlParser$.MODULE$.parseMultipartIdentifier(name));
    CatalogManager catalogs = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState()
        .catalogManager();
    Table table;
    try {
      ValidationException.check(parts.size() == 3, "Invalid feature table name '%s': expected "
          + "catalog.schema.table", name);
      ValidationException.check(catalogs.isCatalogRegistered(parts.get(0))
              || CatalogManager.SESSION_CATALOG_NAME().equalsIgnoreCase(parts.get(0)),
          "Unknown feature table %s", name);
      CatalogPlugin catalog = catalogs.catalog(parts.get(0));
      ValidationException.check(catalog instanceof TableCatalog, "Unknown feature table %s", name);
      table = ((TableCatalog) catalog).loadTable(Identifier.of(
          parts.subList(1, parts.size() - 1).toArray(String[]::new), parts.get(parts.size() - 1)));
    } catch (Exception e) { // NoSuchNamespaceException too, which Scala's loadTable does not declare
      if (e instanceof NoSuchTableException || e instanceof NoSuchNamespaceException) {
        throw new ValidationException(String.format("Unknown feature table %s", name));
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new LakeOpsException("Cannot load feature table " + name, e);
    }
    if (!(table instanceof DeltaTableV2 delta)) {
      throw new LakeOpsException("Table " + name + " is not a feature table (not a Delta table); "
          + "create it with FeatureStore.createTable");
    }
    return delta;
  }

  /** Rows whose features differ from the table's: unchanged rows are left alone (no new version). */
  private static String changed(FeatureTableSpec spec, StructType incoming) {
    String unchanged = Arrays.stream(incoming.fieldNames()).filter(c -> !spec.rowKeys().contains(c))
        .map(c -> "t.`" + c + "` <=> s.`" + c + "`").collect(Collectors.joining(" AND "));
    return unchanged.isEmpty() ? "false" : "NOT (" + unchanged + ")";
  }

  private static String quoted(List<String> columns) {
    return columns.stream().map(c -> "`" + c.replace("`", "``") + "`").collect(Collectors.joining(", "));
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static void checkColumns(FeatureTableSpec spec, StructType schema) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String key : spec.rowKeys()) {
      ValidationException.check(names.contains(key),
          "Cannot create feature table %s: key column %s is not in the schema %s", spec.name(), key,
          names);
    }
    spec.timestampKey().ifPresent(ts -> {
      var type = schema.apply(ts).dataType();
      ValidationException.check(type.equals(DataTypes.TimestampType) || type.equals(DataTypes.DateType)
              || type.equals(DataTypes.TimestampNTZType),
          "Cannot create feature table %s: timestamp key %s is %s, expected a timestamp or date",
          spec.name(), ts, type.simpleString());
    });
  }

  /** Keys NOT NULL, features nullable (a sample row's literals would make them NOT NULL). */
  private static StructType withNonNullKeys(StructType schema, FeatureTableSpec spec) {
    StructField[] fields = Arrays.stream(schema.fields())
        .map(f -> new StructField(f.name(), f.dataType(), !spec.rowKeys().contains(f.name()),
            f.metadata()))
        .toArray(StructField[]::new);
    return new StructType(fields);
  }

  private static void checkKeysPresent(FeatureTableSpec spec, StructType incoming) {
    List<String> names = Arrays.asList(incoming.fieldNames());
    for (String key : spec.rowKeys()) {
      if (!names.contains(key)) {
        throw new SchemaMismatchException(String.format(
            "Cannot write feature table %s: key column %s is missing from the rows (they have %s)",
            spec.name(), key, names));
      }
    }
  }

  private static void checkTypes(String name, StructType current, StructType incoming) {
    for (StructField field : incoming.fields()) {
      if (Arrays.asList(current.fieldNames()).contains(field.name())) {
        var existing = current.apply(field.name()).dataType();
        if (!existing.equals(field.dataType())) {
          throw new SchemaMismatchException(String.format(
              "Cannot write feature table %s: column %s is %s in the table but %s in the rows "
                  + "(type changes are refused; cast the column or write a new feature)",
              name, field.name(), existing.simpleString(), field.dataType().simpleString()));
        }
      }
    }
  }

  /** Refuses null keys and rows sharing their row keys, naming the offending keys. */
  private static void checkKeys(FeatureTableSpec spec, Dataset<Row> rows) {
    Column[] keys = spec.rowKeys().stream().map(k -> col("`" + k + "`")).toArray(Column[]::new);
    Column anyNull = Arrays.stream(keys).map(Column::isNull).reduce(Column::or).orElseThrow();
    List<Row> nulls = rows.where(anyNull).select(keys).limit(FeatureProperties.DUPLICATE_KEYS_SHOWN)
        .collectAsList();
    if (!nulls.isEmpty()) {
      throw new ValidationException(String.format(
          "Cannot write feature table %s: null in key columns %s, e.g. %s", spec.name(),
          spec.rowKeys(), nulls));
    }
    List<Row> duplicates = rows.groupBy(keys).count().where(col("count").gt(1))
        .limit(FeatureProperties.DUPLICATE_KEYS_SHOWN).collectAsList();
    if (!duplicates.isEmpty()) {
      throw new ValidationException(String.format(
          "Cannot write feature table %s: duplicate keys %s in one write (key values and count): %s",
          spec.name(), spec.rowKeys(), duplicates));
    }
  }

  private void addNewColumns(String name, StructType current, StructType incoming) {
    List<String> additions = new ArrayList<>();
    for (StructField field : incoming.fields()) {
      if (!Arrays.asList(current.fieldNames()).contains(field.name())) {
        additions.add("`" + field.name() + "` " + field.dataType().sql());
      }
    }
    if (!additions.isEmpty()) {
      spark.sql("ALTER TABLE " + name + " ADD COLUMNS (" + String.join(", ", additions) + ")");
    }
  }
}
