package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.ingest.Medallion;
import lakeops.ingest.SilverResult;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakeops silver --env dev --table dev.silver.flights}: refines new bronze rows into a
 * silver table under the expectations of {@code conf/expectations/<schema>.<table>.yml}.
 */
@Command(
    name = "silver",
    description = "Refine new source rows into a silver table under its expectations.")
final class SilverCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

  @Option(
      names = "--table",
      defaultValue = "silver.flights",
      paramLabel = "TABLE",
      description =
          "Silver table; its spec is conf/expectations/<schema>.<table>.yml "
              + "(default: ${DEFAULT-VALUE}).")
  String table;

  @Override
  public Integer call() {
    Medallion medallion = Medallion.of(SessionFactory.create(env.name), LakeOpsHome.current());
    SilverResult result = medallion.refine(table);
    System.out.println(result);
    return 0;
  }
}
