package lakeops.catalog;

import java.util.HashMap;
import java.util.Map;
import lakeops.access.AccessControl;
import lakeops.exceptions.ValidationException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.NonEmptyNamespaceException;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.NamespaceChange;
import org.apache.spark.sql.connector.catalog.StagedTable;
import org.apache.spark.sql.connector.catalog.StagingTableCatalog;
import org.apache.spark.sql.connector.catalog.SupportsNamespaces;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.catalog.DeltaCatalog;
import org.apache.spark.sql.delta.catalog.DeltaTableV2;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The Spark catalog of one LakeOps environment: {@code dev.features.airport_daily} is the Delta
 * table at {@code <dev root>/features/airport_daily}. No metastore: the storage root is the
 * catalog, so a table created by one process is visible by name to every later one.
 *
 * <p>Table operations go to Delta's own {@link DeltaCatalog} by path (the identifier {@code
 * delta.`<table folder>`}), which keeps CREATE, CTAS and CREATE OR REPLACE atomic and leaves
 * nothing in Spark's session catalog; loaded tables carry their three-part name for plans and
 * messages. Registered by {@code SessionFactory} as {@code spark.sql.catalog.<env>} with option
 * {@code root}.
 */
public class EnvironmentCatalog implements StagingTableCatalog, SupportsNamespaces {

  private String name;
  private TableLayout layout;
  private DeltaCatalog delta;

  @Override
  public void initialize(String catalogName, CaseInsensitiveStringMap options) {
    String root = options.get(CatalogProperties.ROOT);
    ValidationException.check(
        root != null && !root.isBlank(),
        "Cannot initialize catalog %s: option spark.sql.catalog.%s.%s (the storage root) is not set",
        catalogName,
        catalogName,
        CatalogProperties.ROOT);
    this.name = catalogName;
    SparkSession spark = SparkSession.active();
    this.layout =
        new TableLayout(catalogName, new Path(root), spark.sessionState().newHadoopConf());
    this.delta = new DeltaCatalog();
    delta.setDelegateCatalog(new PathOnlyCatalog(catalogName));
  }

  @Override
  public String name() {
    return name;
  }

  /** The storage root this catalog's schemas and tables live under. */
  public String root() {
    return layout.root().toString();
  }

  /** The folder of table {@code ident}, whether or not it exists. */
  public String tableLocation(Identifier ident) {
    return layout.tablePath(ident).toString();
  }

  // ---- tables -------------------------------------------------------------------------------

  @Override
  public Identifier[] listTables(String[] namespace) throws NoSuchNamespaceException {
    requireSchema(namespace);
    return layout.tables(namespace).stream()
        .map(table -> Identifier.of(namespace, table))
        .toArray(Identifier[]::new);
  }

  @Override
  public boolean tableExists(Identifier ident) {
    if (isPathIdentifier(ident)) {
      return delta.tableExists(ident);
    }
    return layout.tableExists(ident);
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    if (isPathIdentifier(ident)) {
      return delta.loadTable(ident);
    }
    if (isFilePathIdentifier(ident)) {
      throw new NoSuchTableException(ident);
    }
    requireTable(ident);
    return named(delta.loadTable(pathIdentifier(ident)), ident);
  }

  @Override
  public Table loadTable(Identifier ident, String version) throws NoSuchTableException {
    if (isPathIdentifier(ident)) {
      return delta.loadTable(ident, version);
    }
    requireTable(ident);
    return named(delta.loadTable(pathIdentifier(ident), version), ident);
  }

  @Override
  public Table loadTable(Identifier ident, long timestamp) throws NoSuchTableException {
    if (isPathIdentifier(ident)) {
      return delta.loadTable(ident, timestamp);
    }
    requireTable(ident);
    return named(delta.loadTable(pathIdentifier(ident), timestamp), ident);
  }

  @Override
  public Table createTable(
      Identifier ident, Column[] columns, Transform[] partitions, Map<String, String> properties)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    guard("CREATE TABLE", ident);
    requireSchema(ident.namespace());
    if (layout.tableExists(ident)) {
      throw new TableAlreadyExistsException(ident);
    }
    try {
      delta.createTable(
          pathIdentifier(ident), columns, partitions, deltaProperties(ident, properties));
    } finally {
      invalidate(ident);
    }
    return loadTableOrFail(ident);
  }

  @Override
  @SuppressWarnings("deprecation")
  public Table createTable(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    return createTable(ident, CatalogV2Columns.toColumns(schema), partitions, properties);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) throws NoSuchTableException {
    guard("ALTER TABLE", ident);
    requireTable(ident);
    delta.alterTable(pathIdentifier(ident), changes);
    return loadTable(ident);
  }

  @Override
  public boolean dropTable(Identifier ident) {
    guard("DROP TABLE", ident);
    if (!layout.tableExists(ident)) {
      return false;
    }
    layout.delete(layout.tablePath(ident));
    invalidate(ident);
    return true;
  }

  @Override
  public boolean purgeTable(Identifier ident) {
    return dropTable(ident);
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent)
      throws NoSuchTableException, TableAlreadyExistsException {
    guard("ALTER TABLE", oldIdent);
    guard("CREATE TABLE", newIdent);
    requireTable(oldIdent);
    Identifier target =
        newIdent.namespace().length == 0
            ? Identifier.of(oldIdent.namespace(), newIdent.name())
            : newIdent;
    if (!layout.schemaExists(target.namespace())) {
      throw new ValidationException(
          String.format(
              "Cannot rename %s.%s to %s.%s: schema %s.%s does not exist",
              name, oldIdent, name, target, name, String.join(".", target.namespace())));
    }
    if (layout.tableExists(target)) {
      throw new TableAlreadyExistsException(target);
    }
    layout.rename(layout.tablePath(oldIdent), layout.tablePath(target));
    invalidate(oldIdent);
    invalidate(target);
  }

  // ---- atomic CREATE [OR REPLACE] [AS SELECT], delegated to Delta by path ------------------

  @Override
  public StagedTable stageCreate(
      Identifier ident, Column[] columns, Transform[] partitions, Map<String, String> properties)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    guard("CREATE TABLE", ident);
    requireSchema(ident.namespace());
    if (layout.tableExists(ident)) {
      throw new TableAlreadyExistsException(ident);
    }
    invalidate(ident);
    return delta.stageCreate(
        pathIdentifier(ident),
        CatalogV2Columns.toStruct(columns),
        partitions,
        deltaProperties(ident, properties));
  }

  @Override
  public StagedTable stageReplace(
      Identifier ident, Column[] columns, Transform[] partitions, Map<String, String> properties)
      throws NoSuchNamespaceException, NoSuchTableException {
    guard("CREATE OR REPLACE TABLE", ident);
    requireTable(ident);
    return delta.stageReplace(
        pathIdentifier(ident),
        CatalogV2Columns.toStruct(columns),
        partitions,
        deltaProperties(ident, properties));
  }

  @Override
  public StagedTable stageCreateOrReplace(
      Identifier ident, Column[] columns, Transform[] partitions, Map<String, String> properties)
      throws NoSuchNamespaceException {
    guard("CREATE OR REPLACE TABLE", ident);
    requireSchema(ident.namespace());
    return delta.stageCreateOrReplace(
        pathIdentifier(ident),
        CatalogV2Columns.toStruct(columns),
        partitions,
        deltaProperties(ident, properties));
  }

  @Override
  @SuppressWarnings("deprecation")
  public StagedTable stageCreate(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    return stageCreate(ident, CatalogV2Columns.toColumns(schema), partitions, properties);
  }

  @Override
  @SuppressWarnings("deprecation")
  public StagedTable stageReplace(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties)
      throws NoSuchNamespaceException, NoSuchTableException {
    return stageReplace(ident, CatalogV2Columns.toColumns(schema), partitions, properties);
  }

  @Override
  @SuppressWarnings("deprecation")
  public StagedTable stageCreateOrReplace(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties)
      throws NoSuchNamespaceException {
    return stageCreateOrReplace(ident, CatalogV2Columns.toColumns(schema), partitions, properties);
  }

  // ---- namespaces (schemas) -----------------------------------------------------------------

  @Override
  public String[][] listNamespaces() {
    return layout.schemas().stream().map(schema -> new String[] {schema}).toArray(String[][]::new);
  }

  @Override
  public String[][] listNamespaces(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length == 0) {
      return listNamespaces();
    }
    requireSchema(namespace);
    return new String[0][];
  }

  @Override
  public boolean namespaceExists(String[] namespace) {
    return layout.schemaExists(namespace);
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(String[] namespace)
      throws NoSuchNamespaceException {
    requireSchema(namespace);
    return layout.schemaMetadata(namespace);
  }

  @Override
  public void createNamespace(String[] namespace, Map<String, String> metadata)
      throws org.apache.spark.sql.catalyst.analysis.NamespaceAlreadyExistsException {
    guardSchema("CREATE SCHEMA", namespace);
    if (layout.schemaExists(namespace)) {
      throw new org.apache.spark.sql.catalyst.analysis.NamespaceAlreadyExistsException(namespace);
    }
    ValidationException.check(
        !metadata.containsKey(SupportsNamespaces.PROP_LOCATION),
        "Cannot create schema %s.%s with a LOCATION: schemas of catalog %s live under its root %s",
        name,
        String.join(".", namespace),
        name,
        layout.root());
    Map<String, String> kept = new HashMap<>(metadata);
    kept.remove(SupportsNamespaces.PROP_OWNER);
    layout.createSchema(namespace, kept);
  }

  @Override
  public void alterNamespace(String[] namespace, NamespaceChange... changes)
      throws NoSuchNamespaceException {
    guardSchema("ALTER SCHEMA", namespace);
    requireSchema(namespace);
    Map<String, String> metadata = new HashMap<>(layout.schemaMetadata(namespace));
    metadata.remove("location");
    for (NamespaceChange change : changes) {
      if (change instanceof NamespaceChange.SetProperty set) {
        metadata.put(set.property(), set.value());
      } else if (change instanceof NamespaceChange.RemoveProperty remove) {
        metadata.remove(remove.property());
      }
    }
    layout.createSchema(namespace, metadata);
  }

  @Override
  public boolean dropNamespace(String[] namespace, boolean cascade)
      throws NoSuchNamespaceException, NonEmptyNamespaceException {
    guardSchema("DROP SCHEMA", namespace);
    requireSchema(namespace);
    String[] tables = layout.tables(namespace).toArray(String[]::new);
    if (tables.length > 0 && !cascade) {
      throw new NonEmptyNamespaceException(namespace);
    }
    for (String table : tables) {
      invalidate(Identifier.of(namespace, table));
    }
    layout.delete(layout.schemaPath(namespace));
    return true;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Refuses a change the session's environment may not make here, whatever route asked for it. */
  private void guard(String operation, Identifier ident) {
    AccessControl.checkCatalogWrite(
        SparkSession.active(),
        operation,
        name,
        ident.toString(),
        layout.tablePath(ident).toString());
  }

  private void guardSchema(String operation, String[] namespace) {
    AccessControl.checkCatalogWrite(
        SparkSession.active(),
        operation,
        name,
        String.join(".", namespace),
        layout.schemaPath(namespace).toString());
  }

  /**
   * Whether {@code ident} is Delta's path form, {@code delta.`/folder`}: with an environment as the
   * default catalog it arrives here rather than at {@code spark_catalog}, and means the same.
   */
  private static boolean isPathIdentifier(Identifier ident) {
    return ident.namespace().length == 1
        && ident.namespace()[0].equalsIgnoreCase(CatalogProperties.PROVIDER)
        && (ident.name().startsWith("/") || ident.name().matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*"));
  }

  /**
   * Whether {@code ident} names plain files by path, e.g. {@code parquet.`/folder`} in CONVERT TO
   * DELTA: no table of this catalog, so callers fall back to reading the folder.
   */
  private static boolean isFilePathIdentifier(Identifier ident) {
    return ident.namespace().length == 1
        && CatalogProperties.FILE_FORMATS.contains(
            ident.namespace()[0].toLowerCase(java.util.Locale.ROOT))
        && (ident.name().startsWith("/") || ident.name().matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*"));
  }

  private Identifier pathIdentifier(Identifier ident) {
    return Identifier.of(
        new String[] {CatalogProperties.PROVIDER}, layout.tablePath(ident).toString());
  }

  /** Gives a Delta table loaded by path its three-part name, for plans, errors and history. */
  private Table named(Table table, Identifier ident) {
    if (table instanceof DeltaTableV2 deltaTable) {
      return new NamedDeltaTable(deltaTable, name, ident);
    }
    return table;
  }

  private Map<String, String> deltaProperties(Identifier ident, Map<String, String> properties) {
    String provider = properties.get(TableCatalog.PROP_PROVIDER);
    ValidationException.check(
        provider == null || provider.equalsIgnoreCase(CatalogProperties.PROVIDER),
        "Cannot create %s.%s USING %s: catalog %s stores Delta tables only",
        name,
        ident,
        provider,
        name);
    ValidationException.check(
        !properties.containsKey(TableCatalog.PROP_LOCATION)
            || properties.containsKey(TableCatalog.PROP_IS_MANAGED_LOCATION),
        "Cannot create %s.%s with a LOCATION: tables of catalog %s live at %s",
        name,
        ident,
        name,
        layout.tablePath(ident));
    Map<String, String> result = new HashMap<>(properties);
    result.remove(TableCatalog.PROP_LOCATION);
    result.remove(TableCatalog.PROP_IS_MANAGED_LOCATION);
    result.remove(TableCatalog.PROP_EXTERNAL);
    result.remove(TableCatalog.PROP_OWNER);
    result.put(TableCatalog.PROP_PROVIDER, CatalogProperties.PROVIDER);
    return result;
  }

  private void requireSchema(String[] namespace) throws NoSuchNamespaceException {
    if (!layout.schemaExists(namespace)) {
      throw new NoSuchNamespaceException(prepend(name, namespace));
    }
  }

  private void requireTable(Identifier ident) throws NoSuchTableException {
    if (!layout.tableExists(ident)) {
      throw new NoSuchTableException(Identifier.of(prepend(name, ident.namespace()), ident.name()));
    }
  }

  private Table loadTableOrFail(Identifier ident) {
    try {
      return loadTable(ident);
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(
          "Table " + name + "." + ident + " vanished right after creation", e);
    }
  }

  /** Forgets Delta's cached log of the table, which outlives a drop or rename of its folder. */
  private void invalidate(Identifier ident) {
    DeltaLog.invalidateCache(SparkSession.active(), layout.tablePath(ident));
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
