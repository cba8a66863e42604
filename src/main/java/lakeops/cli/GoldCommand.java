package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.ingest.GoldResult;
import lakeops.ingest.Medallion;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakeops gold --env dev}: builds {@code gold.flights} and {@code gold.airport_daily} from
 * the silver flights table, unless already built from its latest version.
 */
@Command(
    name = "gold",
    description = "Build gold.flights and gold.airport_daily from silver flights.")
final class GoldCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

  @Option(
      names = "--source",
      defaultValue = "silver.flights",
      paramLabel = "TABLE",
      description = "Silver flights table (default: ${DEFAULT-VALUE}).")
  String source;

  @Override
  public Integer call() {
    Medallion medallion = Medallion.of(SessionFactory.create(env.name), LakeOpsHome.current());
    GoldResult result = medallion.buildGold(source);
    System.out.println(result);
    return 0;
  }
}
