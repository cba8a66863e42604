package lakeops.features;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Job main of the feature step, for {@code spark-submit --class lakeops.features.FeaturesJob
 * lakeops-jobs.jar --env dev}: computes the feature tables declared in {@code conf/features}. It is
 * also {@code lakeops features compute}.
 */
@Command(
    name = "compute",
    description =
        "Compute the feature tables declared in conf/features/*.yml into the environment.")
public final class FeaturesJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environment;

  @Option(
      names = "--spec",
      paramLabel = "PATH",
      description = "A feature spec file or folder (default: conf/features of the LakeOps home).")
  Path spec;

  @Option(
      names = "--table",
      paramLabel = "SCHEMA.TABLE",
      description = "Compute only this table (default: every table of the specs).")
  String table;

  FeaturesJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new FeaturesJob(), args);
  }

  @Override
  public Integer call() {
    Path location =
        spec != null
            ? LakeOpsHome.current().resolve(spec.toString())
            : LakeOpsHome.current().confDir().resolve(FeatureStore.SPECS_FOLDER);
    List<ComputedFeatureTable> tables =
        FeatureStore.specs(location, environment).stream()
            .filter(t -> table == null || t.name().equals(environment + "." + table))
            .toList();
    if (tables.isEmpty()) {
      throw FeatureErrors.noSpecTable(table, location);
    }
    FeatureStore store = FeatureStore.of(SessionFactory.create(environment));
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
