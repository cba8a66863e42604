package lakeops.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import lakeops.config.MaskedYaml;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lakeops env}: look at environments. */
@Command(
    name = "env",
    description = "Show environments.",
    subcommands = {EnvCommand.Show.class, EnvCommand.ListEnvironments.class})
final class EnvCommand {

  /** {@code lakeops env show --env dev}: the resolved environment with secrets masked. */
  @Command(name = "show", description = "Print an environment's resolved settings, secrets masked.")
  static final class Show implements Callable<Integer> {

    @Mixin EnvironmentOption env;

    @Override
    public Integer call() {
      Environments environments = Environments.load(LakeOpsHome.current());
      Environment environment = environments.get(env.name);
      Map<String, Object> resolved = new LinkedHashMap<>();
      resolved.put("file", environment.file().toString());
      resolved.put("spark_session_conf", SessionFactory.sparkConf(environments, environment));
      System.out.print(MaskedYaml.write(environment, resolved));
      return 0;
    }
  }

  /** {@code lakeops env list}: the environments of the project and what each may read and write. */
  @Command(name = "list", description = "List the environments of this project.")
  static final class ListEnvironments implements Callable<Integer> {
    @Override
    public Integer call() {
      Environments environments = Environments.load(LakeOpsHome.current());
      for (Environment env : environments.all().values()) {
        System.out.printf(
            "%-10s root=%s read=%s write=%s%n",
            env.name(), env.storageRoot(), env.catalogs().read(), env.catalogs().write());
      }
      return 0;
    }
  }
}
