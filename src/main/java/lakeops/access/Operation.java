package lakeops.access;

import java.util.Map;
import java.util.Set;

/**
 * Names of the operations a plan node performs, as they appear in refusals and the audit table, and
 * the plan nodes known to change nothing. Nodes are matched by simple class name, so Spark's and
 * Delta's internal classes need no compile-time dependency.
 */
final class Operation {

  private Operation() {}

  static final String READ = "READ";
  static final String INSERT_INTO = "INSERT INTO";
  static final String INSERT_OVERWRITE = "INSERT OVERWRITE";
  static final String CREATE_TABLE = "CREATE TABLE";
  static final String REPLACE_TABLE = "CREATE OR REPLACE TABLE";
  static final String DROP_TABLE = "DROP TABLE";
  static final String ALTER_TABLE = "ALTER TABLE";
  static final String TRUNCATE = "TRUNCATE";
  static final String MERGE_INTO = "MERGE INTO";
  static final String UPDATE = "UPDATE";
  static final String DELETE_FROM = "DELETE FROM";
  static final String WRITE = "WRITE";
  static final String STREAM_INTO = "STREAM INTO";

  /** SQL verb of each known writing node. */
  private static final Map<String, String> VERBS =
      Map.ofEntries(
          Map.entry("AppendData", INSERT_INTO),
          Map.entry("InsertIntoStatement", INSERT_INTO),
          Map.entry("OverwriteByExpression", INSERT_OVERWRITE),
          Map.entry("OverwritePartitionsDynamic", INSERT_OVERWRITE),
          Map.entry("CreateTable", CREATE_TABLE),
          Map.entry("CreateTableAsSelect", CREATE_TABLE),
          Map.entry("CreateDeltaTableCommand", CREATE_TABLE),
          Map.entry("ReplaceTable", REPLACE_TABLE),
          Map.entry("ReplaceTableAsSelect", REPLACE_TABLE),
          Map.entry("DropTable", DROP_TABLE),
          Map.entry("RenameTable", "RENAME TABLE"),
          Map.entry("TruncateTable", TRUNCATE),
          Map.entry("TruncateDeltaTableCommand", TRUNCATE),
          Map.entry("MergeIntoCommand", MERGE_INTO),
          Map.entry("MergeIntoTable", MERGE_INTO),
          Map.entry("DeltaMergeInto", MERGE_INTO),
          Map.entry("UpdateCommand", UPDATE),
          Map.entry("UpdateTable", UPDATE),
          Map.entry("DeltaUpdateTable", UPDATE),
          Map.entry("DeleteCommand", DELETE_FROM),
          Map.entry("DeleteFromTable", DELETE_FROM),
          Map.entry("DeltaDelete", DELETE_FROM),
          Map.entry("OptimizeTableCommand", "OPTIMIZE"),
          Map.entry("VacuumTableCommand", "VACUUM"),
          Map.entry("RestoreTableCommand", "RESTORE"),
          Map.entry("CloneTableCommand", "CLONE INTO"),
          Map.entry("ConvertToDeltaCommand", "CONVERT TO DELTA"),
          Map.entry("DeltaReorgTableCommand", "REORG"),
          Map.entry("DeltaReorgTable", "REORG"),
          Map.entry("DeltaGenerateCommand", "GENERATE"),
          Map.entry("CreateNamespace", "CREATE SCHEMA"),
          Map.entry("DropNamespace", "DROP SCHEMA"),
          Map.entry("SetNamespaceProperties", "ALTER SCHEMA"),
          Map.entry("WriteIntoDelta", WRITE),
          Map.entry("SaveIntoDataSourceCommand", WRITE),
          Map.entry("InsertIntoHadoopFsRelationCommand", WRITE),
          Map.entry("InsertIntoDataSourceCommand", WRITE),
          Map.entry("WriteToStream", STREAM_INTO),
          Map.entry("WriteToStreamStatement", STREAM_INTO));

  /**
   * Commands that change no table or file: session settings, metadata listings, temporary views.
   */
  private static final Set<String> READ_ONLY_COMMANDS =
      Set.of(
          "SetCommand",
          "ResetCommand",
          "SetCatalogAndNamespace",
          "SetCatalogCommand",
          "SetNamespaceCommand",
          "ShowTables",
          "ShowTablesExtended",
          "ShowTablesCommand",
          "ShowNamespaces",
          "ShowTableProperties",
          "ShowColumns",
          "ShowCreateTable",
          "ShowPartitions",
          "ShowFunctions",
          "ShowCatalogsCommand",
          "ShowCurrentNamespaceCommand",
          "ShowViews",
          "ShowTablePropertiesCommand",
          "ShowColumnsCommand",
          "ShowCreateTableCommand",
          "DescribeRelation",
          "DescribeColumn",
          "DescribeNamespace",
          "DescribeFunction",
          "DescribeTableCommand",
          "DescribeColumnCommand",
          "DescribeQueryCommand",
          "DescribeDeltaHistory",
          "DescribeDeltaHistoryCommand",
          "DescribeDeltaDetailCommand",
          "ExplainCommand",
          "CreateTempViewUsing",
          "DropTempViewCommand",
          "CacheTable",
          "CacheTableAsSelect",
          "UncacheTable",
          "ClearCacheCommand",
          "CacheTableCommand",
          "UncacheTableCommand",
          "RefreshTable",
          "RefreshTableCommand",
          "AddJarsCommand",
          "AddFilesCommand",
          "AddArchivesCommand",
          "ListJarsCommand",
          "ListFilesCommand",
          "ListArchivesCommand",
          "SetVariable",
          "CreateVariable",
          "DropVariable",
          "ShowCatalogs");

  /** The verb of a writing node, or {@code RUN <class>} for one LakeOps does not know. */
  static String of(String nodeClass) {
    String verb = VERBS.get(nodeClass);
    if (verb != null) {
      return verb;
    }
    if (nodeClass.startsWith("Alter") || nodeClass.endsWith("DeltaCommand")) {
      return ALTER_TABLE;
    }
    return "RUN " + nodeClass;
  }

  static boolean isKnownWrite(String nodeClass) {
    return VERBS.containsKey(nodeClass);
  }

  static boolean isReadOnlyCommand(String nodeClass) {
    return READ_ONLY_COMMANDS.contains(nodeClass);
  }
}
