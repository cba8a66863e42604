package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.access.AccessControl;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lakeops access}: environment-scoped data access. */
@Command(
    name = "access",
    description = "Environment-scoped data access.",
    subcommands = {AccessCommand.Check.class})
final class AccessCommand {

  /** {@code lakeops access check --env dev prod.features.t}: what an environment may do with it. */
  @Command(
      name = "check",
      description = "Print whether an environment may read and write a table or path.")
  static final class Check implements Callable<Integer> {

    @Mixin EnvironmentOption env;

    @Parameters(
        paramLabel = "TARGET",
        description = "A table (prod.features.t), schema, catalog or path.")
    String target;

    @Override
    public Integer call() {
      Environments environments = Environments.load(LakeOpsHome.current());
      AccessControl.check(environments, env.name, target).lines().forEach(System.out::println);
      return 0;
    }
  }
}
