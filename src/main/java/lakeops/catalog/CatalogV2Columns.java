package lakeops.catalog;

import org.apache.spark.sql.connector.catalog.CatalogV2Util;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.types.StructType;

/** Conversions between Spark's two column representations of the catalog API. */
final class CatalogV2Columns {

  private CatalogV2Columns() {}

  static StructType toStruct(Column[] columns) {
    return CatalogV2Util.v2ColumnsToStructType(columns);
  }

  static Column[] toColumns(StructType schema) {
    return CatalogV2Util.structTypeToV2Columns(
        schema, CatalogV2Util.structTypeToV2Columns$default$2());
  }
}
