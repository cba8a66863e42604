package lakeops.catalog;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogStorageFormat;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTable$;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.delta.catalog.DeltaTableV2;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A Delta table of an environment catalog: loaded by path, named by its three-part name, and
 * carrying a {@link CatalogTable} (an external Delta table at its folder, in no metastore).
 *
 * <p>Delta's path tables have no catalog table, and Spark asks for one in two places: {@code
 * writeStream().toTable(..)} takes it to find where to write (the write becomes a path write there,
 * the route the access checks and the read-only storage layer already guard), and {@code
 * spark.catalog().refreshTable(..)}, also called after each streaming batch into a table, reads its
 * identifier. The schema stays empty: Delta reads the schema from its log, as for metastore tables.
 */
final class NamedDeltaTable extends DeltaTableV2 {

  NamedDeltaTable(DeltaTableV2 table, String catalogName, Identifier ident) {
    super(
        table.spark(),
        table.path(),
        Option.apply(catalogTable(table.path(), catalogName, ident)),
        Option.apply(catalogName + "." + ident),
        table.timeTravelOpt(),
        table.options());
  }

  private static CatalogTable catalogTable(Path path, String catalogName, Identifier ident) {
    CatalogTable$ defaults = CatalogTable$.MODULE$;
    CatalogStorageFormat empty = CatalogStorageFormat.empty();
    CatalogStorageFormat storage =
        empty.copy(
            Option.apply(path.toUri()),
            empty.inputFormat(),
            empty.outputFormat(),
            empty.serde(),
            empty.compressed(),
            empty.properties(),
            empty.serdeName());
    return defaults.apply(
        new TableIdentifier(
            ident.name(),
            Option.apply(String.join(".", ident.namespace())),
            Option.apply(catalogName)),
        CatalogTableType.EXTERNAL(),
        storage,
        new StructType(),
        Option.apply(CatalogProperties.PROVIDER),
        defaults.apply$default$6(),
        defaults.apply$default$7(),
        defaults.apply$default$8(),
        defaults.apply$default$9(),
        defaults.apply$default$10(),
        defaults.apply$default$11(),
        defaults.apply$default$12(),
        defaults.apply$default$13(),
        defaults.apply$default$14(),
        defaults.apply$default$15(),
        defaults.apply$default$16(),
        defaults.apply$default$17(),
        defaults.apply$default$18(),
        defaults.apply$default$19(),
        defaults.apply$default$20(),
        defaults.apply$default$21(),
        defaults.apply$default$22());
  }
}
