package lakeops.cli;

import java.util.concurrent.Callable;
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

  @Override
  public Integer call() {
    Quickstart.of(LakeOpsHome.current(), env.name).syntheticRows(syntheticRows).run(System.out);
    return 0;
  }
}
