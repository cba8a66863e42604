package lakeops.cli;

import java.util.List;
import java.util.concurrent.Callable;
import lakeops.features.ComputedFeatureTable;
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
      FeaturesCommand.Compute.class
    })
final class FeaturesCommand {

  /** {@code lakeops features compute --env dev [--spec conf/features] [--table features.x]}. */
  @Command(
      name = "compute",
      description =
          "Compute the feature tables declared in conf/features/*.yml into the environment.")
  static final class Compute implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Option(
        names = "--spec",
        paramLabel = "PATH",
        description = "A feature spec file or folder (default: conf/features of the LakeOps home).")
    java.nio.file.Path spec;

    @Option(
        names = "--table",
        paramLabel = "SCHEMA.TABLE",
        description = "Compute only this table (default: every table of the specs).")
    String table;

    @Override
    public Integer call() {
      java.nio.file.Path location =
          spec != null
              ? lakeops.env.LakeOpsHome.current().resolve(spec.toString())
              : lakeops.env.LakeOpsHome.current().confDir().resolve(FeatureStore.SPECS_FOLDER);
      List<ComputedFeatureTable> tables =
          FeatureStore.specs(location, env.name).stream()
              .filter(t -> table == null || t.name().equals(env.name + "." + table))
              .toList();
      if (tables.isEmpty()) {
        throw new lakeops.exceptions.ValidationException(
            "No feature table " + table + " in the specs at " + location);
      }
      FeatureStore store = FeatureStore.of(SessionFactory.create(env.name));
      for (ComputedFeatureTable computed : tables) {
        long started = System.nanoTime();
        FeatureTable written = store.compute(computed);
        System.out.printf(
            "%s version=%d seconds=%.1f%n",
            written.name(), written.version(), (System.nanoTime() - started) / 1e9);
      }
      return 0;
    }
  }

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
