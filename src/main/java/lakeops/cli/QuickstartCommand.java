package lakeops.cli;

import java.util.List;
import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.quickstart.Quickstart;
import lakeops.quickstart.QuickstartProperties;
import lakeops.quickstart.ReferenceArchitecture;
import lakeops.sample.SampleProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakeops quickstart}: the whole reference architecture, dev and staging side by side, then
 * prod once staging's tests passed, each in its own JVM ({@link ReferenceArchitecture}); with
 * {@code --env}, one environment's stage ({@link Quickstart}).
 */
@Command(
    name = "quickstart",
    description =
        "Run the whole reference architecture (dev, staging, prod) on embedded defaults, or one"
            + " environment's part of it with --env.")
final class QuickstartCommand implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      description =
          "Run only this environment's stage (default: every environment; prod after staging's"
              + " tests pass).")
  String environment;

  @Option(
      names = "--small",
      description =
          "The same path on "
              + QuickstartProperties.SMALL_ROWS
              + " synthetic flights per environment (for CI).")
  boolean small;

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
      names = "--rerun",
      description =
          "Run every environment's stage, even one that already passed with the same code,"
              + " settings and landing files (by default it is not run again).")
  boolean rerun;

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
    LakeOpsHome home = LakeOpsHome.current();
    if (environment == null) {
      return ReferenceArchitecture.of(home)
          .small(small)
          .syntheticRows(syntheticRows)
          .stageArguments(List.of("--storage", storage))
          .rerun(rerun)
          .run(System.out);
    }
    long rows = small ? QuickstartProperties.SMALL_ROWS : syntheticRows;
    Quickstart quickstart = Quickstart.of(home, environment).syntheticRows(rows);
    if (storage.equals("s3")) {
      if (System.getProperty(EnvironmentProperties.ENVIRONMENTS_PROPERTY) == null
          && System.getenv(EnvironmentProperties.ENVIRONMENTS_ENV) == null) {
        System.setProperty(
            EnvironmentProperties.ENVIRONMENTS_PROPERTY, EnvironmentProperties.ENVIRONMENTS_S3);
      }
      quickstart = quickstart.onLocalS3();
    }
    boolean passed = quickstart.run(System.out);
    if (storage.equals("s3")) {
      System.out.println(
          "On S3: run other commands with "
              + EnvironmentProperties.ENVIRONMENTS_ENV
              + "="
              + System.getProperty(EnvironmentProperties.ENVIRONMENTS_PROPERTY)
              + " (scripts/s3-server stop ends the server and its buckets).");
    }
    return passed ? 0 : 1;
  }
}
