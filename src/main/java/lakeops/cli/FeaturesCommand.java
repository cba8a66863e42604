package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.features.FeatureStore;
import lakeops.features.FeatureTable;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeops features list|describe|compute}: the feature tables of an environment's catalogs.
 */
@Command(
    name = "features",
    description = "Feature tables: list, describe and compute.",
    subcommands = {
      FeaturesCommand.ListTables.class,
      FeaturesCommand.Describe.class,
      lakeops.features.FeaturesJob.class
    })
final class FeaturesCommand {

  /** {@code lakeops features list --env dev [--catalog prod]}. */
  @Command(name = "list", description = "List the feature tables of a catalog.")
  static final class ListTables implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Option(names = "--catalog", description = "Catalog to list (default: the environment's own).")
    String catalog;

    @Override
    public Integer call() {
      SparkSession spark = SessionFactory.create(env.name);
      FeatureStore.of(spark)
          .listTables(catalog == null ? env.name : catalog)
          .forEach(System.out::println);
      return 0;
    }
  }

  /** {@code lakeops features describe --env dev dev.features.airport_daily}. */
  @Command(
      name = "describe",
      description = "Show a feature table's keys, columns and data version.")
  static final class Describe implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Parameters(paramLabel = "TABLE", description = "Three-part name of the feature table.")
    String table;

    @Override
    public Integer call() {
      FeatureTable feature = FeatureStore.of(SessionFactory.create(env.name)).table(table);
      System.out.println("table:         " + feature.name());
      System.out.println("primary keys:  " + String.join(", ", feature.spec().primaryKeys()));
      System.out.println("timestamp key: " + feature.spec().timestampKey().orElse("(none)"));
      System.out.println("description:   " + feature.spec().description());
      System.out.println("data version:  " + feature.version());
      System.out.println("columns:");
      for (StructField field : feature.schema().fields()) {
        System.out.printf("  %-24s %s%n", field.name(), field.dataType().simpleString());
      }
      return 0;
    }
  }
}
