package lakeops.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.mlflow.RegisteredModel;
import lakeops.mlflow.Tracking;
import lakeops.session.SessionFactory;
import lakeops.training.ModelBundle;
import lakeops.training.ModelPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeops models list|show|alias|stage|relog|copy}: the Model Registry of an environment.
 */
@Command(
    name = "models",
    description = "Registered models: list, show, alias, stage, relog, copy.",
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Alias.class,
      ModelsCommand.Stage.class,
      ModelsCommand.Relog.class,
      ModelsCommand.Copy.class
    })
final class ModelsCommand {

  /** The tracking server of the environment: its model names and Model Registry. */
  static Tracking tracking(String environmentName) {
    LakeOpsHome home = LakeOpsHome.current();
    return Tracking.forEnvironment(home, Environments.load(home).get(environmentName));
  }

  /** {@code lakeops models list --env dev}. */
  @Command(name = "list", description = "List the registered models of the environment.")
  static final class ListModels implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Option(names = "--all", description = "Every registered model, not only the environment's.")
    boolean all;

    @Override
    public Integer call() {
      Tracking tracking = tracking(env.name);
      List<RegisteredModel> models =
          tracking.registry().searchModelsByPrefix(all ? "" : tracking.modelNamePrefix());
      for (RegisteredModel model : models) {
        System.out.printf("%-40s aliases=%s%n", model.name(), model.aliases());
      }
      return 0;
    }
  }

  /** {@code lakeops models show --env dev flight_delay}. */
  @Command(name = "show", description = "Show a registered model and its versions.")
  static final class Show implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Parameters(
        paramLabel = "MODEL",
        description = "Model name (flight_delay or dev.ml.flight_delay).")
    String name;

    @Override
    public Integer call() {
      Tracking tracking = tracking(env.name);
      ModelRegistry registry = tracking.registry();
      String full = tracking.qualifiedModelName(name);
      RegisteredModel model =
          registry
              .model(full)
              .orElseThrow(
                  () ->
                      new lakeops.exceptions.ValidationException(
                          "Unknown registered model " + full));
      System.out.println("model:       " + model.name());
      System.out.println("description: " + model.description());
      System.out.println("aliases:     " + model.aliases());
      for (ModelVersion version : registry.searchVersions(full, null)) {
        // Version search leaves aliases out; the model's alias map has them.
        List<String> aliases =
            model.aliases().entrySet().stream()
                .filter(a -> a.getValue() == version.version())
                .map(java.util.Map.Entry::getKey)
                .sorted()
                .toList();
        System.out.printf(
            "  version %-4d stage=%-10s aliases=%s run=%s source=%s%n",
            version.version(), version.stage(), aliases, version.runId(), version.source());
      }
      return 0;
    }
  }

  /** {@code lakeops models alias --env dev flight_delay champion 3} (or {@code --delete}). */
  @Command(name = "alias", description = "Point an alias at a version, or delete it.")
  static final class Alias implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Parameters(index = "0", paramLabel = "MODEL")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS")
    String alias;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION")
    Integer version;

    @Option(names = "--delete", description = "Delete the alias.")
    boolean delete;

    @Override
    public Integer call() {
      Tracking tracking = tracking(env.name);
      ModelRegistry registry = tracking.registry();
      String full = tracking.qualifiedModelName(name);
      if (delete) {
        registry.deleteAlias(full, alias);
        System.out.printf("%s: alias %s deleted%n", full, alias);
      } else {
        lakeops.exceptions.ValidationException.check(
            version != null,
            "Cannot set alias %s of %s: give the version (or --delete)",
            alias,
            full);
        registry.setAlias(full, alias, version);
        System.out.printf("%s@%s -> version %d%n", full, alias, version);
      }
      return 0;
    }
  }

  /** {@code lakeops models stage --env dev flight_delay 3 Production}. */
  @Command(
      name = "stage",
      description = "Move a version to a stage: None, Staging, Production, Archived.")
  static final class Stage implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Parameters(index = "0", paramLabel = "MODEL")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    int version;

    @Parameters(index = "2", paramLabel = "STAGE")
    String stage;

    @Option(names = "--archive-existing", description = "Archive the versions now in that stage.")
    boolean archiveExisting;

    @Override
    public Integer call() {
      Tracking tracking = tracking(env.name);
      ModelVersion moved =
          tracking
              .registry()
              .transitionStage(tracking.qualifiedModelName(name), version, stage, archiveExisting);
      System.out.printf("%s version %d: stage %s%n", moved.name(), moved.version(), moved.stage());
      return 0;
    }
  }

  /** {@code lakeops models relog --env dev .lakehouse/_models/dev/dev.ml.flight_delay/<time>}. */
  @Command(
      name = "relog",
      description = "Log and register a locally kept model whose logging failed.")
  static final class Relog implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Parameters(paramLabel = "DIR", description = "The model folder (printed by lakeops train).")
    Path dir;

    @Option(
        names = "--no-lineage",
        description = "Do not write the feature lineage table (no Spark).")
    boolean noLineage;

    @Override
    public Integer call() {
      LakeOpsHome home = LakeOpsHome.current();
      Environment environment = Environments.load(home).get(env.name);
      ModelBundle bundle = ModelBundle.open(dir.toAbsolutePath().normalize());
      var spark = noLineage ? null : SessionFactory.create(env.name);
      ModelBundle.Published published =
          new ModelPublisher(
                  MlflowRest.of(Tracking.forEnvironment(home, environment).trackingUri()), spark)
              .publish(bundle);
      System.out.printf(
          "  run=%s version=%d alias=%s%n",
          published.runId(), published.version(), published.alias());
      return 0;
    }
  }

  /**
   * {@code lakeops models copy --from staging --to prod --model flight_delay [--version N|--alias
   * A]}: runs as the target environment ({@code --env}, default {@code $LAKEOPS_ENV}, else {@code
   * --to}); an environment that may not write the target is refused.
   */
  @Command(
      name = "copy",
      description =
          "Copy a model version with its lineage tags from one environment's registry to another's"
              + " (for teams that deploy models rather than code).")
  static final class Copy implements Callable<Integer> {
    // Declared here: --version clashes with the inherited standard -V, --version.
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;

    @Option(
        names = {"-e", "--env"},
        paramLabel = "ENV",
        description = "Acting environment (default: $LAKEOPS_ENV, else the --to environment).")
    String environment;

    @Option(names = "--from", required = true, paramLabel = "ENV", description = "Source.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ENV", description = "Target.")
    String to;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Model name.")
    String model;

    @Option(names = "--version", paramLabel = "N", description = "Source version.")
    Integer version;

    @Option(
        names = "--alias",
        paramLabel = "ALIAS",
        description = "Source alias, when no --version (default: champion).")
    String alias;

    @Option(names = "--actor", paramLabel = "WHO", description = "Who copies (default: $USER).")
    String actor;

    @Override
    public Integer call() {
      String acting = environment;
      if (acting == null || acting.isBlank()) {
        String fromEnv = System.getenv(lakeops.env.EnvironmentProperties.ENV_ENV);
        acting = fromEnv == null || fromEnv.isBlank() ? to : fromEnv;
      }
      Environments environments = Environments.load(LakeOpsHome.current());
      lakeops.deploy.Decision copied =
          lakeops.deploy.Deployments.of(
                  SessionFactory.create(environments, acting), environments, acting)
              .copy(from, to, model, version, alias, actor);
      System.out.printf(
          "%s version %d copied (%s)%n", copied.model(), copied.version(), copied.comment());
      return 0;
    }
  }
}
