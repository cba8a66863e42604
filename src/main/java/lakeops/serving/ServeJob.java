package lakeops.serving;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import lakeops.env.Environment;
import lakeops.env.EnvironmentProperties;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.Tracking;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakeops serve --env prod --model flight_delay@champion --port 8080}, and the job main for
 * {@code spark-submit --class lakeops.serving.ServeJob lakeops-jobs.jar …}: serves the version the
 * alias points at over REST (MLflow's scoring protocol) until stopped; SIGTERM finishes the
 * requests in flight and appends the last inference-log rows.
 */
@Command(
    name = "serve",
    description =
        "Serve a registered model over REST (MLflow's scoring protocol), "
            + "following its alias, logging every inference.")
public final class ServeJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environmentName;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME@ALIAS",
      description =
          "Registered model and alias (NAME@ALIAS), or a pinned version (NAME/VERSION); a NAME "
              + "without dots gets the environment's prefix (flight_delay is dev.ml.flight_delay in dev).")
  String model;

  @Option(
      names = "--port",
      defaultValue = "" + ServingProperties.PORT_DEFAULT,
      paramLabel = "PORT",
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--host",
      defaultValue = ServingProperties.HOST_DEFAULT,
      paramLabel = "ADDRESS",
      description = "Address to bind (default ${DEFAULT-VALUE}: this machine only).")
  String host;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Require the bearer token in FILE's first line.")
  Path tokenFile;

  @Option(
      names = "--token-env",
      defaultValue = ServingProperties.TOKEN_ENV_DEFAULT,
      paramLabel = "VAR",
      description =
          "Require the bearer token in environment variable VAR, if it is set (default ${DEFAULT-VALUE}).")
  String tokenEnv;

  @Option(
      names = "--poll-seconds",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "How often the registry is asked where the alias points (default ${DEFAULT-VALUE}).")
  long pollSeconds;

  @Option(
      names = "--max-rows",
      defaultValue = "" + ServingProperties.MAX_ROWS_DEFAULT,
      paramLabel = "N",
      description = "Most rows per request (default ${DEFAULT-VALUE}).")
  int maxRows;

  @Option(
      names = "--max-body-bytes",
      defaultValue = "" + ServingProperties.MAX_BODY_BYTES_DEFAULT,
      paramLabel = "N",
      description = "Largest request body (default ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(
      names = "--no-feature-lookup",
      description = "Requests carry every model input; features are not looked up.")
  boolean noFeatureLookup;

  @Option(
      names = "--no-inference-log",
      description = "Do not log inferences to <env>.ml.inference_log.")
  boolean noInferenceLog;

  /** The command, for picocli (as {@code lakeops serve}) and {@link #main}. */
  public ServeJob() {}

  /** Serves until stopped, with {@code args} as {@code lakeops serve} takes them. */
  public static void main(String[] args) {
    JobMain.run(new ServeJob(), args);
  }

  @Override
  public Integer call() throws InterruptedException {
    LakeOpsHome home = LakeOpsHome.current();
    Environments environments = Environments.load(home);
    Environment environment = environments.get(environmentName);
    SparkSession spark = SessionFactory.create(environments, environment.name());
    Tracking tracking = Tracking.forEnvironment(home, environment);
    ServingSpec.Builder spec =
        ServingSpec.builder(qualified(model, tracking))
            .host(host)
            .port(port)
            .pollInterval(Duration.ofSeconds(pollSeconds))
            .maxRows(maxRows)
            .maxBodyBytes(maxBodyBytes)
            .featureLookup(!noFeatureLookup);
    if (tokenFile != null) {
      spec.tokenFromFile(home.resolve(tokenFile.toString()));
    } else {
      spec.tokenFromEnvironment(tokenEnv);
    }
    if (noInferenceLog) {
      spec.withoutInferenceLog();
    } else {
      spec.inferenceLogTable(environment.name() + "." + ServingProperties.INFERENCE_LOG_TABLE);
    }
    ServingSpec built = spec.build();
    ModelServer server =
        ModelServer.start(spark, new ModelRegistry(MlflowRest.of(tracking.trackingUri())), built);
    ModelServer.LiveModel live = server.live();
    System.out.printf(
        "Serving %s (version %d) on %s%s%n",
        built.modelUri(),
        live.version(),
        server.url(),
        built.requiresToken() ? " (bearer token required)" : "");
    live.plan().forEach(line -> System.out.println("  " + line));
    System.out.flush();
    server.awaitClose();
    return 0;
  }

  /** {@code model} with the environment's registry prefix when its name has no dots. */
  static String qualified(String model, Tracking tracking) {
    String reference = model.startsWith("models:/") ? model.substring("models:/".length()) : model;
    int end =
        reference.indexOf('@') >= 0
            ? reference.indexOf('@')
            : reference.lastIndexOf('/') >= 0 ? reference.lastIndexOf('/') : reference.length();
    String name = reference.substring(0, end);
    return name.contains(".") ? reference : tracking.modelName(name) + reference.substring(end);
  }
}
