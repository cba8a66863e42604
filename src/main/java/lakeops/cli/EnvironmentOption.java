package lakeops.cli;

import lakeops.env.EnvironmentProperties;
import picocli.CommandLine.Option;

/** The {@code --env} option shared by every command that acts in an environment. */
final class EnvironmentOption {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String name;
}
