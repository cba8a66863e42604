package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.quickstart.Quickstart;
import lakeops.sample.SampleProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakeops quickstart}: the main job end to end on embedded defaults, from the catalogs of
 * every environment to a registered model ({@link Quickstart}).
 */
@Command(
    name = "quickstart",
    description = "Run the LakeOps pipeline end to end on embedded defaults.")
final class QuickstartCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

  @Option(
      names = "--synthetic-rows",
      paramLabel = "N",
      defaultValue = "${env:" + SampleProperties.QUICKSTART_SYNTHETIC_ROWS_ENV + ":-0}",
      description =
          "Build the pipeline from N synthetic flights instead of the real 3M-row file "
              + "(default: $"
              + SampleProperties.QUICKSTART_SYNTHETIC_ROWS_ENV
              + " or 0 = real file).")
  long syntheticRows;

  @Option(
      names = "--storage",
      paramLabel = "local|s3",
      defaultValue = "local",
      description =
          "Where the lakehouse lives: local folders (default), or s3 = the buckets of the project's"
              + " local S3 server (scripts/s3-server), with the environment files of "
              + EnvironmentProperties.ENVIRONMENTS_S3
              + ".")
  String storage;

  @Override
  public Integer call() {
    if (!storage.equals("local") && !storage.equals("s3")) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "Invalid storage: '" + storage + "' (use local or s3)");
    }
    Quickstart quickstart =
        Quickstart.of(LakeOpsHome.current(), env.name).syntheticRows(syntheticRows);
    if (storage.equals("s3")) {
      if (System.getProperty(EnvironmentProperties.ENVIRONMENTS_PROPERTY) == null
          && System.getenv(EnvironmentProperties.ENVIRONMENTS_ENV) == null) {
        System.setProperty(
            EnvironmentProperties.ENVIRONMENTS_PROPERTY, EnvironmentProperties.ENVIRONMENTS_S3);
      }
      quickstart = quickstart.onLocalS3();
    }
    quickstart.run(System.out);
    if (storage.equals("s3")) {
      System.out.println(
          "On S3: run other commands with "
              + EnvironmentProperties.ENVIRONMENTS_ENV
              + "="
              + System.getProperty(EnvironmentProperties.ENVIRONMENTS_PROPERTY)
              + " (scripts/s3-server stop ends the server and its buckets).");
    }
    return 0;
  }
}
