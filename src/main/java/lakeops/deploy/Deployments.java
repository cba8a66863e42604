package lakeops.deploy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import lakeops.access.AccessPolicy;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.features.FeatureScoring;
import lakeops.mlflow.MlflowProperties;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.mlflow.RegisteredModel;
import lakeops.mlflow.Tracking;
import org.apache.spark.sql.SparkSession;

/**
 * Deployment of an environment's models: validate a version against its compliance checks and the
 * champion, promote it to {@code champion} (waiting for {@code approve} where required), reject it,
 * roll the champion back, copy a version from another environment's registry. Every decision is a
 * row of {@code <env>.ml.deployments} and tags on the version; an environment changes only the
 * registered models of catalogs it may write.
 *
 * <pre>{@code Deployments deployments = Deployments.of(spark, home, "prod");
 * Decision d = deployments.promote("flight_delay", null);      // PENDING_APPROVAL in prod
 * deployments.approve("flight_delay", d.version(), "alice", "checked the report");}</pre>
 */
public final class Deployments {

  private final SparkSession spark;
  private final Environments environments;
  private final Environment environment;
  private final AccessPolicy policy;
  private final DecisionLog log;
  private Tracking tracking;

  private Deployments(SparkSession spark, Environments environments, Environment environment) {
    this.spark = spark;
    this.environments = environments;
    this.environment = environment;
    this.policy = AccessPolicy.of(environments, environment.name());
    this.log = new DecisionLog(spark, environment.name());
  }

  /**
   * Deployments of environment {@code environment} of {@code home}, acting through {@code spark}.
   */
  public static Deployments of(SparkSession spark, LakeOpsHome home, String environment) {
    return of(spark, Environments.load(home), environment);
  }

  /**
   * Deployments of {@code environment} among {@code environments}, acting through {@code spark}.
   */
  public static Deployments of(SparkSession spark, Environments environments, String environment) {
    return new Deployments(spark, environments, environments.get(environment));
  }

  /** The acting environment. */
  public String environment() {
    return environment.name();
  }

  /** The decisions table ({@code <env>.ml.deployments}). */
  public String decisionsTable() {
    return log.table();
  }

  /** The registered name of {@code model} here: as given when qualified, else with the prefix. */
  public String registeredName(String model) {
    return Tracking.withoutStarting(environments.home(), environment).qualifiedModelName(model);
  }

  /** The deployment config of {@code model}: {@code conf/deployment/<model>.yml}. */
  public DeploymentConfig config(String model) {
    return DeploymentConfig.load(configFile(model));
  }

  /** The file of {@code model}'s deployment config. */
  public Path configFile(String model) {
    String shortName = model.substring(model.lastIndexOf('.') + 1);
    return environments
        .home()
        .confDir()
        .resolve(DeployProperties.CONFIG_DIR)
        .resolve(shortName + ".yml");
  }

  /**
   * Runs every check of {@code config} on {@code version} (null: the challenger, else the newest
   * version) and records the decision: PASSED or FAILED. Nothing moves.
   */
  public Decision validate(DeploymentConfig config, Integer version, String actor) {
    String name = registeredName(config.model());
    checkRegistryWrite("VALIDATE MODEL", name);
    ModelVersion candidate = candidate("validate", name, version);
    Optional<ModelVersion> champion =
        registry().versionByAlias(name, MlflowProperties.CHAMPION_ALIAS);
    VersionValidation.Outcome outcome = validation().run(config, candidate, champion);
    Decision decision =
        decision(
            name,
            candidate.version(),
            champion.map(ModelVersion::version).orElse(null),
            "validate",
            outcome.checks().stream().allMatch(CheckResult::passed) ? "PASSED" : "FAILED",
            config,
            outcome,
            actor,
            null);
    record(decision);
    return decision;
  }

  /**
   * Validates {@code version} (null: the challenger, else the newest) and, only if every check
   * passed, makes it the champion (stage Production, the old champion archived), or records
   * PENDING_APPROVAL when {@code config} requires approval here. A failed validation is recorded as
   * FAILED and nothing moves. Promoting the champion itself (a retry) answers PROMOTED and records
   * nothing.
   */
  public Decision promote(DeploymentConfig config, Integer version, String actor, String comment) {
    String name = registeredName(config.model());
    checkRegistryWrite("PROMOTE MODEL", name);
    ModelVersion candidate = candidate("promote", name, version);
    Optional<ModelVersion> champion =
        registry().versionByAlias(name, MlflowProperties.CHAMPION_ALIAS);
    if (champion.isPresent() && champion.get().version() == candidate.version()) {
      return alreadyChampion(name, champion.get(), actor);
    }
    VersionValidation.Outcome outcome = validation().run(config, candidate, champion);
    boolean passed = outcome.checks().stream().allMatch(CheckResult::passed);
    String result =
        !passed
            ? "FAILED"
            : config.requiresApproval(environment.name()) ? "PENDING_APPROVAL" : "PROMOTED";
    Integer previous = champion.map(ModelVersion::version).orElse(null);
    if (result.equals("PROMOTED")) {
      moveChampion(name, candidate.version(), previous);
    }
    Decision decision =
        decision(
            name,
            candidate.version(),
            previous,
            "promote",
            result,
            config,
            outcome,
            actor,
            comment);
    record(decision);
    return decision;
  }

  /**
   * The answer to promoting the champion (a retried promotion, or the first version of a model):
   * PROMOTED, without a new row.
   */
  private Decision alreadyChampion(String name, ModelVersion champion, String actor) {
    String previous = champion.tags().get(DeployProperties.PREVIOUS_CHAMPION_TAG);
    return plainDecision(
        name,
        champion.version(),
        previous == null || !previous.matches("\\d+") ? null : Integer.parseInt(previous),
        "promote",
        "PROMOTED",
        actor,
        "the champion already");
  }

  /**
   * Approves the promotion of {@code version} (null: the newest version waiting for approval) and
   * makes it the champion.
   */
  public Decision approve(String model, Integer version, String actor, String comment) {
    String name = registeredName(model);
    checkRegistryWrite("APPROVE MODEL", name);
    ModelVersion pending = pending("approve", name, version);
    Integer previous =
        registry()
            .versionByAlias(name, MlflowProperties.CHAMPION_ALIAS)
            .map(ModelVersion::version)
            .orElse(null);
    moveChampion(name, pending.version(), previous);
    Decision decision =
        plainDecision(name, pending.version(), previous, "approve", "PROMOTED", actor, comment);
    record(decision);
    return decision;
  }

  /** Rejects the promotion of {@code version} (null: the newest waiting for approval). */
  public Decision reject(String model, Integer version, String actor, String comment) {
    String name = registeredName(model);
    checkRegistryWrite("REJECT MODEL", name);
    ModelVersion pending = pending("reject", name, version);
    Integer champion =
        registry()
            .versionByAlias(name, MlflowProperties.CHAMPION_ALIAS)
            .map(ModelVersion::version)
            .orElse(null);
    Decision decision =
        plainDecision(name, pending.version(), champion, "reject", "REJECTED", actor, comment);
    record(decision);
    return decision;
  }

  /** Points {@code champion} back at the champion the current one replaced. */
  public Decision rollback(String model, String actor, String comment) {
    String name = registeredName(model);
    checkRegistryWrite("ROLL BACK MODEL", name);
    ModelRegistry registry = registry();
    ModelVersion current =
        registry
            .versionByAlias(name, MlflowProperties.CHAMPION_ALIAS)
            .orElseThrow(() -> DeployErrors.noChampion("roll back", name));
    String previous =
        registry
            .version(name, current.version())
            .tags()
            .get(DeployProperties.PREVIOUS_CHAMPION_TAG);
    if (previous == null || !previous.matches("\\d+")) {
      throw DeployErrors.noPreviousChampion(name, current.version());
    }
    int restored = Integer.parseInt(previous);
    registry.version(name, restored); // fails naming the version when it is gone
    registry.setAlias(name, MlflowProperties.CHAMPION_ALIAS, restored);
    registry.transitionStage(name, restored, DeployProperties.PRODUCTION_STAGE, true);
    archive(registry, name, current.version());
    Decision decision =
        plainDecision(name, restored, current.version(), "rollback", "ROLLED_BACK", actor, comment);
    record(decision);
    return decision;
  }

  /** The champion, the challenger, versions waiting for approval, and the latest decisions. */
  public DeploymentStatus status(String model, int decisions) {
    String name = registeredName(model);
    ModelRegistry registry = registry();
    RegisteredModel registered =
        registry.model(name).orElseThrow(() -> DeployErrors.noModel("show", name));
    List<ModelVersion> versions = registry.searchVersions(name, null);
    List<Integer> pending =
        versions.stream()
            .filter(v -> "PENDING_APPROVAL".equals(v.tags().get(DeployProperties.STATUS_TAG)))
            .map(ModelVersion::version)
            .toList();
    return new DeploymentStatus(
        name,
        registered.aliases().get(MlflowProperties.CHAMPION_ALIAS),
        registered.aliases().get(MlflowProperties.CHALLENGER_ALIAS),
        pending,
        log.latest(name, decisions).stream().map(DecisionLog::fromRow).toList());
  }

  /**
   * Copies a version of {@code model} from environment {@code from}'s registry into environment
   * {@code to}'s ({@code staging.ml.m} to {@code prod.ml.m}) with its lineage tags: {@code
   * version}, else the version {@code alias} (default champion) points at. The acting environment
   * must be allowed to write {@code to}: only prod writes prod, in the registry too. The copy gets
   * alias champion if the target has none, else challenger; a retried copy returns the same
   * version.
   */
  public Decision copy(
      String from, String to, String model, Integer version, String alias, String actor) {
    String shortName = model.substring(model.lastIndexOf('.') + 1);
    Environment source = environments.get(from);
    Environment target = environments.get(to);
    Tracking sourceNames = Tracking.withoutStarting(environments.home(), source);
    Tracking targetNames = Tracking.withoutStarting(environments.home(), target);
    String sourceName = sourceNames.modelName(shortName);
    String targetName = targetNames.modelName(shortName);
    checkRegistryWrite("COPY MODEL INTO", targetName);
    if (!sourceNames.trackingUri().equals(targetNames.trackingUri())) {
      throw DeployErrors.differentServers(
          sourceName, sourceNames.trackingUri(), targetNames.trackingUri());
    }
    ModelRegistry registry = Tracking.forEnvironment(environments.home(), target).registry();
    String which = alias == null ? MlflowProperties.CHAMPION_ALIAS : alias;
    ModelVersion original =
        version != null
            ? registry.version(sourceName, version)
            : registry
                .versionByAlias(sourceName, which)
                .orElseThrow(() -> DeployErrors.noSource(sourceName, from, "@" + which));
    String description = registry.model(sourceName).map(RegisteredModel::description).orElse("");
    RegisteredModel copied = registry.createModel(targetName, description);
    ModelVersion created = registry.createVersion(targetName, original.source(), original.runId());
    for (var tag : original.tags().entrySet()) {
      if (!tag.getKey().startsWith("lakeops.deploy.")) {
        registry.setVersionTag(targetName, created.version(), tag.getKey(), tag.getValue());
      }
    }
    registry.setVersionTag(
        targetName, created.version(), DeployProperties.COPIED_FROM_TAG, original.uri());
    Integer champion = copied.aliases().get(MlflowProperties.CHAMPION_ALIAS);
    if (champion == null || champion == created.version()) {
      registry.setAlias(targetName, MlflowProperties.CHAMPION_ALIAS, created.version());
    } else {
      registry.setAlias(targetName, MlflowProperties.CHALLENGER_ALIAS, created.version());
    }
    Decision decision =
        plainDecision(
            targetName,
            created.version(),
            champion,
            "copy",
            "COPIED",
            actor,
            "from " + original.uri());
    log.append(decision);
    return decision;
  }

  /** The actor of a decision: {@code actor}, else {@code $USER}, else the JVM's user. */
  public static String actor(String actor) {
    if (actor != null && !actor.isBlank()) {
      return actor;
    }
    String user = System.getenv(DeployProperties.ACTOR_ENV);
    return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
  }

  /**
   * Refuses, with the one-line access error, a change to a registered model of a catalog this
   * environment may not write ({@code prod.ml.*} from dev or staging).
   */
  private void checkRegistryWrite(String operation, String registeredName) {
    int dot = registeredName.indexOf('.');
    String catalog = dot < 0 ? environment.name() : registeredName.substring(0, dot);
    String rest = dot < 0 ? registeredName : registeredName.substring(dot + 1);
    policy.checkWrite(operation, policy.targetInCatalog(catalog, rest));
  }

  private ModelVersion candidate(String verb, String name, Integer version) {
    ModelRegistry registry = registry();
    registry.model(name).orElseThrow(() -> DeployErrors.noModel(verb, name));
    if (version != null) {
      return registry.version(name, version);
    }
    return registry
        .versionByAlias(name, MlflowProperties.CHALLENGER_ALIAS)
        .or(() -> registry.searchVersions(name, null).stream().findFirst())
        .orElseThrow(() -> DeployErrors.noVersions(verb, name));
  }

  private ModelVersion pending(String verb, String name, Integer version) {
    ModelRegistry registry = registry();
    registry.model(name).orElseThrow(() -> DeployErrors.noModel(verb, name));
    if (version != null) {
      ModelVersion chosen = registry.version(name, version);
      String status = chosen.tags().get(DeployProperties.STATUS_TAG);
      if (!"PENDING_APPROVAL".equals(status)) {
        throw DeployErrors.notPending(verb, name, version, status);
      }
      return chosen;
    }
    return registry.searchVersions(name, null).stream()
        .filter(v -> "PENDING_APPROVAL".equals(v.tags().get(DeployProperties.STATUS_TAG)))
        .findFirst()
        .orElseThrow(() -> DeployErrors.nonePending(verb, name));
  }

  /** Alias champion, stage Production (archiving the old champion), the replaced one as a tag. */
  private void moveChampion(String name, int version, Integer previous) {
    ModelRegistry registry = registry();
    if (previous != null && previous != version) {
      registry.setVersionTag(
          name, version, DeployProperties.PREVIOUS_CHAMPION_TAG, Integer.toString(previous));
    }
    registry.setAlias(name, MlflowProperties.CHAMPION_ALIAS, version);
    registry.transitionStage(name, version, DeployProperties.PRODUCTION_STAGE, true);
    if (previous != null && previous != version) {
      archive(registry, name, previous);
    }
    registry
        .versionByAlias(name, MlflowProperties.CHALLENGER_ALIAS)
        .filter(v -> v.version() == version)
        .ifPresent(v -> registry.deleteAlias(name, MlflowProperties.CHALLENGER_ALIAS));
  }

  /** Moves {@code version} to stage Archived unless it is there already. */
  private static void archive(ModelRegistry registry, String name, int version) {
    if (!registry.version(name, version).stage().equals(DeployProperties.ARCHIVED_STAGE)) {
      registry.transitionStage(name, version, DeployProperties.ARCHIVED_STAGE, false);
    }
  }

  /** Appends the decision to the table and sets it as tags on its version. */
  private void record(Decision decision) {
    log.append(decision);
    ModelRegistry registry = registry();
    String name = decision.model();
    int version = decision.version();
    registry.setVersionTag(name, version, DeployProperties.STATUS_TAG, decision.result());
    registry.setVersionTag(name, version, DeployProperties.ACTION_TAG, decision.action());
    registry.setVersionTag(
        name, version, DeployProperties.DECIDED_AT_TAG, decision.decidedAt().toString());
    registry.setVersionTag(name, version, DeployProperties.ACTOR_TAG, decision.actor());
    if (decision.comment() != null) {
      registry.setVersionTag(name, version, DeployProperties.COMMENT_TAG, decision.comment());
    }
    if (!decision.checks().isEmpty()) {
      List<String> failed = decision.failedChecks().stream().map(CheckResult::name).toList();
      registry.setVersionTag(
          name,
          version,
          DeployProperties.CHECKS_TAG,
          String.format(
              "%d/%d passed%s",
              decision.checks().size() - failed.size(),
              decision.checks().size(),
              failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed)));
    }
  }

  private Decision decision(
      String name,
      int version,
      Integer previous,
      String action,
      String result,
      DeploymentConfig config,
      VersionValidation.Outcome outcome,
      String actor,
      String comment) {
    return new Decision(
        now(),
        environment.name(),
        name,
        version,
        previous,
        action,
        result,
        outcome.challengerMetric() == null ? null : config.comparisonMetric(),
        outcome.challengerMetric(),
        outcome.championMetric(),
        outcome.checks(),
        actor(actor),
        comment);
  }

  private Decision plainDecision(
      String name,
      int version,
      Integer previous,
      String action,
      String result,
      String actor,
      String comment) {
    return new Decision(
        now(),
        environment.name(),
        name,
        version,
        previous,
        action,
        result,
        null,
        null,
        null,
        List.of(),
        actor(actor),
        comment);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private VersionValidation validation() {
    ModelRegistry registry = registry();
    return new VersionValidation(
        spark,
        environment.name(),
        environments.home().root(),
        registry,
        MlflowRest.of(tracking().trackingUri()),
        new HoldoutScoring(spark, FeatureScoring.of(spark, registry)));
  }

  private ModelRegistry registry() {
    return tracking().registry();
  }

  private synchronized Tracking tracking() {
    if (tracking == null) {
      tracking = Tracking.forEnvironment(environments.home(), environment);
    }
    return tracking;
  }
}
