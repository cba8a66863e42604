package lakeops.features;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import lakeops.catalog.DeltaConflicts;
import org.apache.spark.sql.AnalysisException;
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
import org.apache.spark.storage.StorageLevel;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Feature tables as Delta tables: created with their keys in the table properties (so a table
 * describes itself), read back as of one snapshot of their Delta log, and written with key checks
 * and schema rules. Every create and write is recorded in the catalog's metadata tables.
 */
final class FeatureTables {

  private final SparkSession spark;
  private final FeatureMetadata metadata;

  FeatureTables(SparkSession spark) {
    this.spark = spark;
    this.metadata = new FeatureMetadata(spark);
  }

  /**
   * A feature table as of one read of its Delta log: spec, schema and version, and its table
   * properties, all from the same snapshot (no SQL command, no history scan, no Spark job).
   */
  record Snapshot(FeatureTable table, Map<String, String> properties) {}

  FeatureTable create(FeatureTableSpec spec, StructType schema) {
    FeatureTable table = createTable(spec, schema);
    metadata.record(table, null);
    return table;
  }

  /** Creates the table without recording it: the write that follows records it. */
  private FeatureTable createTable(FeatureTableSpec spec, StructType schema) {
    checkColumns(spec, schema);
    if (spark.catalog().tableExists(spec.name())) {
      throw FeatureErrors.tableExists(spec.name());
    }
    // SQL, not DeltaTableBuilder: the builder's tableName() accepts two-part names only.
    spark.sql(
        String.format(
            "CREATE TABLE %s (%s) USING delta CLUSTER BY (%s) COMMENT %s "
                + "TBLPROPERTIES ('%s' = 'true', '%s' = 'true', '%s' = %s, '%s' = %s)",
            spec.name(),
            withNonNullKeys(schema, spec).toDDL(),
            quoted(spec.rowKeys()),
            literal(spec.description()),
            FeatureProperties.CHANGE_FEED_PROPERTY,
            FeatureProperties.FEATURE_TABLE_PROPERTY,
            FeatureProperties.PRIMARY_KEYS_PROPERTY,
            literal(String.join(",", spec.primaryKeys())),
            FeatureProperties.TIMESTAMP_KEY_PROPERTY,
            literal(spec.timestampKey().orElse(""))));
    return current(spec.name(), spec);
  }

  FeatureTable write(String name, Dataset<Row> incoming, WriteMode mode) {
    // The key checks, the write and the statistics each read the rows: compute them once.
    Dataset<Row> rows = incoming.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return write(name, rows, mode, snapshot(name).table().spec());
    } finally {
      rows.unpersist();
    }
  }

  private FeatureTable write(
      String name, Dataset<Row> rows, WriteMode mode, FeatureTableSpec spec) {
    StructType current = spark.table(name).schema();
    checkKeysPresent(spec, rows.schema());
    checkTypes(name, current, rows.schema());
    checkKeys(spec, rows);
    addNewColumns(name, current, rows.schema());
    if (mode == WriteMode.MERGE) {
      String condition =
          spec.rowKeys().stream()
              .map(k -> "t.`" + k + "` = s.`" + k + "`")
              .collect(Collectors.joining(" AND "));
      // A MERGE is one transaction: one that lost a race with another writer is run again whole.
      DeltaConflicts.retry(
          "MERGE into feature table " + name,
          () ->
              DeltaTable.forName(spark, name)
                  .as("t")
                  .merge(rows.as("s"), condition)
                  .whenMatched(changed(spec, rows.schema()))
                  .updateAll()
                  .whenNotMatched()
                  .insertAll()
                  .execute());
    } else {
      try {
        rows.writeTo(name).overwrite(functions.lit(true));
      } catch (NoSuchTableException e) {
        throw FeatureErrors.dropped("overwrite feature table " + name, e);
      }
    }
    FeatureTable table = current(name, spec);
    metadata.record(table, rows);
    return table;
  }

  FeatureTable compute(ComputedFeatureTable computed) {
    Dataset<Row> rows = spark.sql(computed.query());
    if (!spark.catalog().tableExists(computed.name())) {
      // A feature job may be the first to write its schema (ingest creates its own too).
      spark.sql(
          "CREATE SCHEMA IF NOT EXISTS "
              + computed.name().substring(0, computed.name().lastIndexOf('.')));
      createTable(computed.spec(), rows.schema());
    }
    return write(computed.name(), rows, WriteMode.MERGE);
  }

  List<String> list(String catalog) {
    return metadata.names(catalog);
  }

  Snapshot snapshot(String name) {
    DeltaTableV2 delta = deltaTable(name);
    org.apache.spark.sql.delta.Snapshot snapshot = delta.initialSnapshot();
    Map<String, String> properties = snapshot.metadata().getConfiguration();
    String keys =
        property(
            properties,
            FeatureProperties.PRIMARY_KEYS_PROPERTY,
            FeatureProperties.LEGACY_PRIMARY_KEYS_PROPERTY);
    if (keys.isBlank()) {
      throw FeatureErrors.notAFeatureTable(
          name, "no property " + FeatureProperties.PRIMARY_KEYS_PROPERTY);
    }
    String timestampKey =
        property(
            properties,
            FeatureProperties.TIMESTAMP_KEY_PROPERTY,
            FeatureProperties.LEGACY_TIMESTAMP_KEY_PROPERTY);
    FeatureTableSpec spec =
        new FeatureTableSpec(
            name,
            List.of(keys.split(",")),
            timestampKey.isBlank() ? Optional.empty() : Optional.of(timestampKey),
            snapshot.metadata().getDescription(),
            Map.of(),
            "");
    return new Snapshot(new FeatureTable(spec, delta.schema(), snapshot.version()), properties);
  }

  /** Property {@code name}, or the one it was called before; empty when there is neither. */
  private static String property(Map<String, String> properties, String name, String legacyName) {
    String value = properties.getOrDefault(name, properties.get(legacyName));
    return value == null ? "" : value;
  }

  /** {@code spec}'s table as it is now: schema and version from its latest snapshot. */
  private FeatureTable current(String name, FeatureTableSpec spec) {
    FeatureTable now = snapshot(name).table();
    return new FeatureTable(spec, now.schema(), now.version());
  }

  /**
   * The Delta table {@code name} from its catalog; unknown tables and non-Delta tables are refused.
   */
  private DeltaTableV2 deltaTable(String name) {
    List<String> parts =
        CollectionConverters.asJava(CatalystSqlParser$.MODULE$.parseMultipartIdentifier(name));
    if (parts.size() != 3) {
      throw FeatureErrors.invalidTableName(name);
    }
    CatalogManager catalogs =
        ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().catalogManager();
    String catalogName = parts.get(0);
    if (!catalogs.isCatalogRegistered(catalogName)
        && !CatalogManager.SESSION_CATALOG_NAME().equalsIgnoreCase(catalogName)) {
      throw FeatureErrors.noSuchCatalog(name, catalogName);
    }
    CatalogPlugin catalog = catalogs.catalog(catalogName);
    if (!(catalog instanceof TableCatalog tables)) {
      throw FeatureErrors.noSuchCatalog(name, catalogName);
    }
    Table table;
    try {
      table = tables.loadTable(Identifier.of(new String[] {parts.get(1)}, parts.get(2)));
    } catch (NoSuchTableException e) {
      throw FeatureErrors.noSuchTable(name);
    } catch (
        AnalysisException e) { // NoSuchNamespaceException, which Scala's loadTable does not declare
      if (e instanceof NoSuchNamespaceException) {
        throw FeatureErrors.noSuchTable(name);
      }
      throw FeatureErrors.cannotLoad(name, e);
    }
    if (!(table instanceof DeltaTableV2 delta)) {
      throw FeatureErrors.notAFeatureTable(name, "not a Delta table");
    }
    return delta;
  }

  /**
   * Rows whose features differ from the table's: unchanged rows are left alone (no new version).
   */
  private static String changed(FeatureTableSpec spec, StructType incoming) {
    String unchanged =
        Arrays.stream(incoming.fieldNames())
            .filter(c -> !spec.rowKeys().contains(c))
            .map(c -> "t.`" + c + "` <=> s.`" + c + "`")
            .collect(Collectors.joining(" AND "));
    return unchanged.isEmpty() ? "false" : "NOT (" + unchanged + ")";
  }

  private static String quoted(List<String> columns) {
    return columns.stream()
        .map(c -> "`" + c.replace("`", "``") + "`")
        .collect(Collectors.joining(", "));
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static void checkColumns(FeatureTableSpec spec, StructType schema) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String key : spec.rowKeys()) {
      if (!names.contains(key)) {
        throw FeatureErrors.keyNotInSchema(spec.name(), key, names);
      }
    }
    spec.timestampKey()
        .ifPresent(
            ts -> {
              var type = schema.apply(ts).dataType();
              if (!type.equals(DataTypes.TimestampType)
                  && !type.equals(DataTypes.DateType)
                  && !type.equals(DataTypes.TimestampNTZType)) {
                throw FeatureErrors.timestampKeyType(spec.name(), ts, type.simpleString());
              }
            });
  }

  /** Keys NOT NULL, features nullable (a sample row's literals would make them NOT NULL). */
  private static StructType withNonNullKeys(StructType schema, FeatureTableSpec spec) {
    StructField[] fields =
        Arrays.stream(schema.fields())
            .map(
                f ->
                    new StructField(
                        f.name(), f.dataType(), !spec.rowKeys().contains(f.name()), f.metadata()))
            .toArray(StructField[]::new);
    return new StructType(fields);
  }

  private static void checkKeysPresent(FeatureTableSpec spec, StructType incoming) {
    List<String> names = Arrays.asList(incoming.fieldNames());
    for (String key : spec.rowKeys()) {
      if (!names.contains(key)) {
        throw FeatureErrors.keyMissingFromRows(spec.name(), key, names);
      }
    }
  }

  private static void checkTypes(String name, StructType current, StructType incoming) {
    for (StructField field : incoming.fields()) {
      if (Arrays.asList(current.fieldNames()).contains(field.name())) {
        var existing = current.apply(field.name()).dataType();
        if (!existing.equals(field.dataType())) {
          throw FeatureErrors.typeChange(
              name, field.name(), existing.simpleString(), field.dataType().simpleString());
        }
      }
    }
  }

  /** Refuses null keys and rows sharing their row keys, naming the offending keys. */
  private static void checkKeys(FeatureTableSpec spec, Dataset<Row> rows) {
    Column[] keys = spec.rowKeys().stream().map(k -> col("`" + k + "`")).toArray(Column[]::new);
    Column anyNull = Arrays.stream(keys).map(Column::isNull).reduce(Column::or).orElseThrow();
    List<Row> nulls =
        rows.where(anyNull)
            .select(keys)
            .limit(FeatureProperties.DUPLICATE_KEYS_SHOWN)
            .collectAsList();
    if (!nulls.isEmpty()) {
      throw FeatureErrors.nullKeys(spec.name(), spec.rowKeys(), nulls);
    }
    List<Row> duplicates =
        rows.groupBy(keys)
            .count()
            .where(col("count").gt(1))
            .limit(FeatureProperties.DUPLICATE_KEYS_SHOWN)
            .collectAsList();
    if (!duplicates.isEmpty()) {
      throw FeatureErrors.duplicateKeys(spec.name(), spec.rowKeys(), duplicates);
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
