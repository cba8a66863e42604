package lakeops.deploy;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import lakeops.env.EnvironmentProperties;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code lakeops deploy validate|promote|approve|reject|rollback|status --env E --model NAME}, and
 * the job main for {@code spark-submit --class lakeops.deploy.DeployJob lakeops-jobs.jar promote
 * --env prod --model flight_delay}. A failed validation prints every check, then one {@code Error:}
 * line naming the failing ones, and exits 1; nothing moves.
 */
@Command(
    name = "deploy",
    description =
        "Validate, promote, approve, reject or roll back a model version; every decision is a row"
            + " of <env>.ml.deployments.",
    subcommands = {
      DeployJob.Validate.class,
      DeployJob.Promote.class,
      DeployJob.Approve.class,
      DeployJob.Reject.class,
      DeployJob.Rollback.class,
      DeployJob.Status.class
    })
public final class DeployJob implements Runnable {

  @Spec CommandSpec spec;

  private final Environments environments;
  private final Function<String, SparkSession> sessions;

  private DeployJob() {
    this(null, null);
  }

  /**
   * The command over {@code environments} (null: the current home's, read when it runs), acting
   * through the sessions {@code sessions} gives by environment name (null: {@link SessionFactory}).
   */
  DeployJob(Environments environments, Function<String, SparkSession> sessions) {
    this.environments = environments;
    this.sessions = sessions;
  }

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new DeployJob(), args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private Deployments deployments(String environment) {
    Environments all =
        environments != null ? environments : Environments.load(LakeOpsHome.current());
    SparkSession session =
        sessions != null ? sessions.apply(environment) : SessionFactory.create(all, environment);
    return Deployments.of(session, all, environment);
  }

  /**
   * The help option of every subcommand, declared here because their {@code --version N} would
   * clash with the inherited standard {@code -V, --version}.
   */
  static final class Help {
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;
  }

  /** Options of every subcommand. */
  static final class Target {
    @Option(
        names = {"-e", "--env"},
        paramLabel = "ENV",
        defaultValue =
            "${env:"
                + EnvironmentProperties.ENV_ENV
                + ":-"
                + EnvironmentProperties.ENV_DEFAULT
                + "}",
        description =
            "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
    String environment;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "NAME",
        description = "Model name (flight_delay, registered as <env>.ml.flight_delay).")
    String model;

    @Option(names = "--actor", paramLabel = "WHO", description = "Who decides (default: $USER).")
    String actor;
  }

  /** Options of the subcommands that run the checks. */
  static final class Checked {
    @Option(
        names = "--version",
        paramLabel = "N",
        description = "Version (default: the challenger, else the newest).")
    Integer version;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "Deployment config (default: conf/deployment/<model>.yml).")
    Path config;

    DeploymentConfig load(Deployments deployments, String model) {
      return config == null
          ? deployments.config(model)
          : DeploymentConfig.load(LakeOpsHome.current().resolve(config.toString()));
    }
  }

  /** {@code deploy validate}. */
  @Command(
      name = "validate",
      description =
          "Run the compliance checks and the champion comparison on one holdout; print each check.")
  static final class Validate implements Callable<Integer> {
    @ParentCommand DeployJob parent;
    @Spec CommandSpec spec;
    @Mixin Target target;
    @Mixin Help help;
    @Mixin Checked checked;

    @Override
    public Integer call() {
      Deployments deployments = parent.deployments(target.environment);
      Decision decision =
          deployments.validate(
              checked.load(deployments, target.model), checked.version, target.actor);
      return finish(spec, decision, "validate");
    }
  }

  /** {@code deploy promote}. */
  @Command(
      name = "promote",
      description =
          "Validate, then move alias champion (stage Production) if every check passed; where"
              + " approval is required, record PENDING_APPROVAL and wait for approve.")
  static final class Promote implements Callable<Integer> {
    @ParentCommand DeployJob parent;
    @Spec CommandSpec spec;
    @Mixin Target target;
    @Mixin Help help;
    @Mixin Checked checked;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Why.")
    String comment;

    @Override
    public Integer call() {
      Deployments deployments = parent.deployments(target.environment);
      Decision decision =
          deployments.promote(
              checked.load(deployments, target.model), checked.version, target.actor, comment);
      int code = finish(spec, decision, "promote");
      if (decision.result().equals("PENDING_APPROVAL")) {
        spec.commandLine()
            .getOut()
            .printf(
                "Waiting for approval: lakeops deploy approve --env %s --model %s --version %d"
                    + " --comment TEXT (or reject)%n",
                deployments.environment(), target.model, decision.version());
      }
      return code;
    }
  }

  /** {@code deploy approve}. */
  @Command(
      name = "approve",
      description = "Approve a pending promotion: the version becomes champion.")
  static final class Approve implements Callable<Integer> {
    @ParentCommand DeployJob parent;
    @Spec CommandSpec spec;
    @Mixin Target target;
    @Mixin Help help;

    @Option(
        names = "--version",
        paramLabel = "N",
        description = "Version (default: the newest waiting for approval).")
    Integer version;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Why.")
    String comment;

    @Override
    public Integer call() {
      return finish(
          spec,
          parent
              .deployments(target.environment)
              .approve(target.model, version, target.actor, comment),
          "approve");
    }
  }

  /** {@code deploy reject}. */
  @Command(name = "reject", description = "Reject a pending promotion; the champion stays.")
  static final class Reject implements Callable<Integer> {
    @ParentCommand DeployJob parent;
    @Spec CommandSpec spec;
    @Mixin Target target;
    @Mixin Help help;

    @Option(
        names = "--version",
        paramLabel = "N",
        description = "Version (default: the newest waiting for approval).")
    Integer version;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Why.")
    String comment;

    @Override
    public Integer call() {
      return finish(
          spec,
          parent
              .deployments(target.environment)
              .reject(target.model, version, target.actor, comment),
          "reject");
    }
  }

  /** {@code deploy rollback}. */
  @Command(name = "rollback", description = "Point champion back at the previous champion.")
  static final class Rollback implements Callable<Integer> {
    @ParentCommand DeployJob parent;
    @Spec CommandSpec spec;
    @Mixin Target target;
    @Mixin Help help;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Why.")
    String comment;

    @Override
    public Integer call() {
      return finish(
          spec,
          parent.deployments(target.environment).rollback(target.model, target.actor, comment),
          "rollback");
    }
  }

  /** {@code deploy status}. */
  @Command(
      name = "status",
      description = "Champion, challenger, versions waiting for approval, latest decisions.")
  static final class Status implements Callable<Integer> {
    @ParentCommand DeployJob parent;
    @Spec CommandSpec spec;
    @Mixin Target target;
    @Mixin Help help;

    @Option(
        names = "--decisions",
        paramLabel = "N",
        defaultValue = "10",
        description = "Latest decisions shown (default ${DEFAULT-VALUE}).")
    int decisions;

    @Override
    public Integer call() {
      spec.commandLine()
          .getOut()
          .print(parent.deployments(target.environment).status(target.model, decisions).summary());
      return 0;
    }
  }

  /** Prints the decision; a failed one becomes the command's one error line. */
  private static int finish(CommandSpec spec, Decision decision, String verb) {
    PrintWriter out = spec.commandLine().getOut();
    out.print(decision.summary());
    out.flush();
    if (decision.result().equals("FAILED")) {
      throw DeployErrors.failedChecks(
          verb, decision.model(), decision.version(), decision.failedChecks());
    }
    return 0;
  }
}
