package lakeops.ingest;

import java.util.Locale;
import lakeops.access.AccessControl;
import lakeops.catalog.CatalogProperties;
import org.apache.spark.sql.SparkSession;

/**
 * A three-part table name {@code catalog.schema.table} and where the table lives: {@code <catalog
 * root>/<schema>/<table>}, as the environment catalogs lay tables out.
 *
 * @param catalog the environment catalog
 * @param schema the schema (a folder of the catalog's root)
 * @param table the table (a Delta folder of the schema)
 */
public record TableName(String catalog, String schema, String table) {

  /** Refuses parts that are not names; lower-cases them. */
  public TableName {
    for (String part : new String[] {catalog, schema, table}) {
      if (part == null || !part.matches(CatalogProperties.NAME_PATTERN)) {
        throw IngestErrors.badNamePart(part);
      }
    }
    catalog = catalog.toLowerCase(Locale.ROOT);
    schema = schema.toLowerCase(Locale.ROOT);
    table = table.toLowerCase(Locale.ROOT);
  }

  /** Parses {@code catalog.schema.table}, or {@code schema.table} in the session's environment. */
  public static TableName parse(String name, SparkSession spark) {
    String[] parts = name == null ? new String[0] : name.split("\\.", -1);
    if (parts.length != 2 && parts.length != 3) {
      throw IngestErrors.badTableName(name, "catalog.schema.table or schema.table");
    }
    return parts.length == 3
        ? new TableName(parts[0], parts[1], parts[2])
        : new TableName(AccessControl.environment(spark), parts[0], parts[1]);
  }

  /** The table beside this one in the same schema, named with {@code suffix} appended. */
  public TableName withSuffix(String suffix) {
    return new TableName(catalog, schema, table + suffix);
  }

  /** The table {@code schemaDotTable} in this table's catalog. */
  public TableName sibling(String schemaDotTable) {
    String[] parts = schemaDotTable.split("\\.", -1);
    if (parts.length != 2) {
      throw IngestErrors.badTableName(schemaDotTable, "schema.table");
    }
    return new TableName(catalog, parts[0], parts[1]);
  }

  /** Root URI of this table's catalog in {@code spark}. */
  public String catalogRoot(SparkSession spark) {
    String key = "spark.sql.catalog." + catalog + "." + CatalogProperties.ROOT;
    if (!spark.conf().contains(key)) {
      throw IngestErrors.catalogNotVisible(this, catalog, AccessControl.environment(spark));
    }
    return spark.conf().get(key);
  }

  /** The Delta folder of this table. */
  public String location(SparkSession spark) {
    return catalogRoot(spark) + "/" + schema + "/" + table;
  }

  /** The checkpoint folder of the step writing this table, hidden from the catalog. */
  public String checkpoint(SparkSession spark) {
    return catalogRoot(spark) + "/" + IngestProperties.CHECKPOINTS_DIR + "/" + schema + "/" + table;
  }

  /** Whether the table exists (its Delta log does). */
  public boolean exists(SparkSession spark) {
    return io.delta.tables.DeltaTable.isDeltaTable(spark, location(spark));
  }

  @Override
  public String toString() {
    return catalog + "." + schema + "." + table;
  }
}
