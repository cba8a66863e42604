package lakeops.catalog;

/** Option names of the LakeOps catalog plugin ({@code spark.sql.catalog.<name>.<option>}). */
public final class CatalogProperties {

  private CatalogProperties() {}

  /** Storage root of the catalog's tables: {@code <root>/<schema>/<table>/_delta_log}. Required. */
  public static final String ROOT = "root";

  /** Table provider of every table in a LakeOps catalog. */
  public static final String PROVIDER = "delta";

  /** File formats whose path identifiers ({@code parquet.`/folder`}) name folders, not tables. */
  public static final java.util.Set<String> FILE_FORMATS =
      java.util.Set.of("parquet", "orc", "json", "csv", "text", "avro");

  /** Folder of a schema that holds its metadata (comment, properties), beside its tables. */
  public static final String SCHEMA_METADATA_FILE = "_schema.json";

  /** Names of schemas and tables: folder names, so letters, digits and underscores. */
  public static final String NAME_PATTERN = "[A-Za-z0-9_]+";
}
