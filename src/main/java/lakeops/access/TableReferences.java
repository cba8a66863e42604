package lakeops.access;

import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.analysis.ResolvedTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.catalog.DeltaTableV2;
import org.apache.spark.sql.execution.datasources.FileIndex;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.types.DataType;
import scala.Product;
import scala.Tuple2;
import scala.collection.IterableOnce;
import scala.collection.Iterator;

/**
 * Finds the tables, schemas and paths an object of a plan references, by walking case-class fields
 * (Scala {@code Product}s), collections and the few Spark and Delta types that name storage: tables
 * by catalog and identifier, Delta tables and logs by path, file indexes, catalog tables, sinks.
 *
 * <p>In read mode everything is walked, expressions (and so subqueries) included, and each plan
 * node is handed to a visitor. In target mode (the targets of one write node) the fields holding
 * the data written ({@code query}, {@code source}, …) and expressions are skipped.
 */
final class TableReferences {

  /** Fields of write nodes that hold what is written or read, not where. */
  private static final Set<String> SOURCE_FIELDS =
      Set.of(
          "query",
          "source",
          "sourceTable",
          "data",
          "inputQuery",
          "analyzedQuery",
          "plan",
          "df",
          "originalQuery",
          "cachedPlan");

  /** Nodes whose {@code sourceTable} is the table they change. */
  private static final Set<String> KEEPS_SOURCE_TABLE = Set.of("RestoreTableCommand");

  private static final Pattern PATH = Pattern.compile("^(/|[a-zA-Z][a-zA-Z0-9+.-]*:/).*");
  private static final Set<String> PATH_PROVIDERS =
      Set.of("delta", "parquet", "orc", "csv", "json", "text", "avro");
  private static final int MAX_DEPTH = 200;
  private static final String NOOP_TABLE =
      "org.apache.spark.sql.execution.datasources.noop.NoopTable";

  private final AccessPolicy policy;
  private final boolean readMode;
  private final Consumer<LogicalPlan> visitor;
  private final Consumer<String> protectedOptions;

  TableReferences(
      AccessPolicy policy,
      boolean readMode,
      Consumer<LogicalPlan> visitor,
      Consumer<String> protectedOptions) {
    this.policy = policy;
    this.readMode = readMode;
    this.visitor = visitor;
    this.protectedOptions = protectedOptions;
  }

  /** The targets {@code value} references. */
  List<Target> scan(Object value, Set<Object> seen) {
    List<Target> found = new ArrayList<>();
    scan(value, seen, found, 0);
    return found;
  }

  /** The targets the fields of write node {@code node} reference, its source fields left out. */
  List<Target> scanFields(LogicalPlan node, Set<Object> seen) {
    List<Target> found = new ArrayList<>();
    seen.add(node);
    fields(node, seen, found, 0);
    return found;
  }

  private void scan(Object value, Set<Object> seen, List<Target> found, int depth) {
    if (value == null
        || depth > MAX_DEPTH
        || value instanceof DataType
        || value instanceof SparkSession
        || value instanceof Number
        || value instanceof Boolean) {
      return;
    }
    if (value instanceof String text) {
      if (PATH.matcher(text).matches()) {
        found.add(policy.targetOfPath(text));
      }
      return;
    }
    if (!seen.add(value)) {
      return;
    }
    options(value);
    if (!named(value, seen, found, depth)) {
      structure(value, seen, found, depth);
    }
  }

  /** Types that name storage; returns whether {@code value} was one. */
  private boolean named(Object value, Set<Object> seen, List<Target> found, int depth) {
    if (value instanceof Path path) {
      found.add(policy.targetOfPath(path.toString()));
    } else if (value instanceof URI uri) {
      found.add(policy.targetOfPath(uri.toString()));
    } else if (value instanceof DeltaTableV2 table) {
      found.add(policy.targetOfPath(table.path().toString()));
      options(table.options());
    } else if (value instanceof DeltaLog log) {
      found.add(policy.targetOfPath(log.dataPath().toString()));
      options(log.options());
    } else if (value instanceof FileIndex index) {
      index.rootPaths().foreach(path -> found.add(policy.targetOfPath(path.toString())));
    } else if (value instanceof DataSourceV2Relation relation) {
      relation(relation, seen, found, depth);
    } else if (value instanceof ResolvedTable table) {
      tableOrName(table.table(), table.catalog(), table.identifier(), seen, found, depth);
    } else if (value instanceof ResolvedIdentifier resolved) {
      found.add(identifier(resolved.catalog(), resolved.identifier()));
    } else if (value instanceof ResolvedNamespace namespace) {
      found.add(
          policy.targetInCatalog(
              namespace.catalog().name(),
              String.join(
                  ".", scala.jdk.javaapi.CollectionConverters.asJava(namespace.namespace()))));
    } else if (value instanceof CatalogTable table) {
      catalogTable(table, found);
    } else if (value instanceof TableIdentifier identifier) {
      found.add(tableIdentifier(identifier));
    } else if (value instanceof CatalogPlugin catalog) {
      found.add(policy.targetInCatalog(catalog.name(), ""));
    } else if (value instanceof Tuple2<?, ?> pair
        && pair._1() instanceof CatalogPlugin catalog
        && pair._2() instanceof Identifier identifier) {
      found.add(identifier(catalog, identifier));
    } else if (value instanceof org.apache.spark.sql.classic.Dataset<?> dataset) {
      scan(dataset.logicalPlan(), seen, found, depth + 1);
    } else if (value.getClass().getName().startsWith(NOOP_TABLE)) {
      // Spark's benchmark sink ({@code format("noop")}) writes nothing anywhere.
      found.add(Target.unownedPath("noop"));
    } else if (value
        instanceof org.apache.spark.sql.execution.streaming.sources.ForeachBatchSink<?>) {
      // A foreachBatch sink has no name and writes nothing itself: each batch's writes are plans of
      // their own, checked when they run.
      return true;
    } else if (value instanceof Table table && !(value instanceof Product)) {
      found.add(tableName(table.name()));
    } else {
      return false;
    }
    return true;
  }

  private void structure(Object value, Set<Object> seen, List<Target> found, int depth) {
    if (value instanceof LogicalPlan plan) {
      if (readMode && plan instanceof LocalRelation) {
        return;
      }
      if (readMode) {
        visitor.accept(plan);
      }
      fields(plan, seen, found, depth);
      if (readMode) {
        plan.innerChildren()
            .foreach(
                child -> {
                  scan(child, seen, found, depth + 1);
                  return null;
                });
      }
    } else if (value instanceof Expression) {
      if (readMode) {
        fields((Product) value, seen, found, depth);
      }
    } else if (value instanceof Product product) {
      fields(product, seen, found, depth);
    } else if (value instanceof IterableOnce<?> items) {
      Iterator<?> iterator = items.iterator();
      while (iterator.hasNext()) {
        scan(iterator.next(), seen, found, depth + 1);
      }
    } else if (value instanceof Iterable<?> items) {
      items.forEach(item -> scan(item, seen, found, depth + 1));
    } else if (isStorageObject(value)) {
      pathFields(value, seen, found, depth);
    }
  }

  private void fields(Product product, Set<Object> seen, List<Target> found, int depth) {
    boolean writeNode = !readMode && product instanceof LogicalPlan;
    String owner = product.getClass().getSimpleName();
    for (int i = 0; i < product.productArity(); i++) {
      String field = safeName(product, i);
      if (writeNode
          && SOURCE_FIELDS.contains(field)
          && !(field.equals("sourceTable") && KEEPS_SOURCE_TABLE.contains(owner))) {
        continue;
      }
      scan(product.productElement(i), seen, found, depth + 1);
    }
  }

  private void relation(
      DataSourceV2Relation relation, Set<Object> seen, List<Target> found, int depth) {
    if (relation.catalog().isDefined() && relation.identifier().isDefined()) {
      tableOrName(
          relation.table(),
          relation.catalog().get(),
          relation.identifier().get(),
          seen,
          found,
          depth);
    } else {
      scan(relation.table(), seen, found, depth + 1);
    }
  }

  private void tableOrName(
      Table table,
      CatalogPlugin catalog,
      Identifier identifier,
      Set<Object> seen,
      List<Target> found,
      int depth) {
    if (table instanceof DeltaTableV2) {
      scan(table, seen, found, depth + 1);
    } else {
      found.add(identifier(catalog, identifier));
    }
  }

  private Target identifier(CatalogPlugin catalog, Identifier identifier) {
    String[] namespace = identifier.namespace();
    if (namespace.length == 1
        && PATH_PROVIDERS.contains(namespace[0].toLowerCase(java.util.Locale.ROOT))
        && PATH.matcher(identifier.name()).matches()) {
      return policy.targetOfPath(identifier.name());
    }
    String name =
        namespace.length == 0
            ? identifier.name()
            : String.join(".", namespace) + "." + identifier.name();
    return policy.targetInCatalog(catalog.name(), name);
  }

  private void catalogTable(CatalogTable table, List<Target> found) {
    if (table.storage().locationUri().isDefined()) {
      found.add(policy.targetOfPath(table.storage().locationUri().get().toString()));
    } else {
      found.add(tableIdentifier(table.identifier()));
    }
  }

  private Target tableIdentifier(TableIdentifier identifier) {
    String database = identifier.database().isDefined() ? identifier.database().get() : "";
    if (PATH_PROVIDERS.contains(database.toLowerCase(java.util.Locale.ROOT))
        && PATH.matcher(identifier.table()).matches()) {
      return policy.targetOfPath(identifier.table());
    }
    String catalog =
        identifier.catalog().isDefined() ? identifier.catalog().get() : "spark_catalog";
    return policy.targetInCatalog(
        catalog, database.isEmpty() ? identifier.table() : database + "." + identifier.table());
  }

  private Target tableName(String name) {
    if (PATH.matcher(name).matches()) {
      return policy.targetOfPath(name);
    }
    int dot = name.indexOf('.');
    return dot < 0
        ? policy.targetInCatalog(name, "")
        : policy.targetInCatalog(name.substring(0, dot), name.substring(dot + 1));
  }

  /** Sinks and other non-case-class objects of Spark and Delta: their {@code path} fields. */
  private static boolean isStorageObject(Object value) {
    String name = value.getClass().getName();
    return name.startsWith("org.apache.spark.sql.delta.")
        || name.startsWith("io.delta.")
        || name.endsWith("Sink");
  }

  private void pathFields(Object value, Set<Object> seen, List<Target> found, int depth) {
    for (Class<?> type = value.getClass();
        type != null && type != Object.class;
        type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.getType() == Path.class
            || field.getType() == DeltaLog.class
            || field.getType() == CatalogTable.class
            || scala.collection.Map.class.isAssignableFrom(field.getType())
            || java.util.Map.class.isAssignableFrom(field.getType())) {
          try {
            field.setAccessible(true);
            scan(field.get(value), seen, found, depth + 1);
          } catch (ReflectiveOperationException | RuntimeException e) {
            found.add(Target.named(null, value.getClass().getSimpleName()));
          }
        }
      }
    }
  }

  /**
   * Reports the protected settings among the keys of {@code value}, when it is a map of options.
   */
  private void options(Object value) {
    if (value instanceof scala.collection.Map<?, ?> map) {
      map.keysIterator()
          .foreach(
              key -> {
                report(key);
                return null;
              });
    } else if (value instanceof java.util.Map<?, ?> map) {
      map.keySet().forEach(this::report);
    }
  }

  private void report(Object key) {
    if (key instanceof String name && AccessSettings.isProtected(name)) {
      protectedOptions.accept(name);
    }
  }

  private static String safeName(Product product, int index) {
    try {
      return product.productElementName(index);
    } catch (RuntimeException e) {
      return "";
    }
  }
}
