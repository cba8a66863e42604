package lakeops.catalog;

import java.util.Map;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The delegate of the {@code DeltaCatalog} inside an {@link EnvironmentCatalog}: it knows no table,
 * so Delta resolves every identifier it is given ({@code delta.`<folder>`}) by path.
 */
final class PathOnlyCatalog implements TableCatalog {

  private final String name;

  PathOnlyCatalog(String name) {
    this.name = name;
  }

  @Override
  public void initialize(String catalogName, CaseInsensitiveStringMap options) {}

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    return new Identifier[0];
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    throw new NoSuchTableException(ident);
  }

  @Override
  @SuppressWarnings("deprecation")
  public Table createTable(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties) {
    throw unsupported("create", ident);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw unsupported("alter", ident);
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw unsupported("drop", ident);
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw unsupported("rename", oldIdent);
  }

  private UnsupportedOperationException unsupported(String operation, Identifier ident) {
    return new UnsupportedOperationException(
        "Cannot "
            + operation
            + " "
            + ident
            + " in catalog "
            + name
            + ": only Delta tables by path");
  }
}
