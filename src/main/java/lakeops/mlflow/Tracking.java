package lakeops.mlflow;

import lakeops.env.Environment;
import lakeops.env.LakeOpsHome;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The MLflow tracking server of an environment: its own URI when set, otherwise the project's
 * embedded server, started on first use. Tokens come from {@value MlflowProperties#TOKEN_ENV}.
 */
public final class Tracking {

  private final Environment environment;
  private final String trackingUri;

  private Tracking(Environment environment, String trackingUri) {
    this.environment = environment;
    this.trackingUri = trackingUri;
  }

  /** Tracking for {@code environment}, starting the embedded server if it names none. */
  public static Tracking forEnvironment(LakeOpsHome home, Environment environment) {
    String uri =
        environment.mlflow().usesEmbeddedServer()
            ? MlflowServer.of(home).start()
            : environment.mlflow().trackingUri().replaceAll("/+$", "");
    return new Tracking(environment, uri);
  }

  /**
   * Tracking for {@code environment} without starting anything: names and the URI only (the
   * embedded server's address when the environment names none). For code that must work while the
   * server is down.
   */
  public static Tracking withoutStarting(LakeOpsHome home, Environment environment) {
    String uri =
        environment.mlflow().usesEmbeddedServer()
            ? MlflowServer.of(home).url()
            : environment.mlflow().trackingUri().replaceAll("/+$", "");
    return new Tracking(environment, uri);
  }

  /** The tracking server's address. */
  public String trackingUri() {
    return trackingUri;
  }

  /** A client of the tracking server; a token, if any, is read from the process environment. */
  public MlflowClient client() {
    String token = System.getenv(MlflowProperties.TOKEN_ENV);
    return token == null || token.isBlank()
        ? new MlflowClient(trackingUri)
        : new MlflowClient(new BasicMlflowHostCreds(trackingUri, token));
  }

  /** The experiment name for {@code name} in this environment ({@code /lakeops/dev/<name>}). */
  public String experimentName(String name) {
    String prefix = environment.mlflow().experimentPrefix();
    return prefix == null ? name : prefix + name;
  }

  /** The registered-model name for {@code name} in this environment ({@code dev.ml.<name>}). */
  public String modelName(String name) {
    String prefix = environment.mlflow().modelPrefix();
    return prefix == null ? name : prefix + name;
  }

  /**
   * The prefix of this environment's registered-model names ({@code dev.ml.}), empty when it has
   * none.
   */
  public String modelNamePrefix() {
    String prefix = environment.mlflow().modelPrefix();
    return prefix == null ? "" : prefix;
  }

  /**
   * The registered-model name {@code name} stands for: as given when qualified ({@code
   * dev.ml.flight_delay}), else {@link #modelName(String) modelName(name)}.
   */
  public String qualifiedModelName(String name) {
    return name.contains(".") ? name : modelName(name);
  }

  /** The Model Registry of this tracking server. */
  public ModelRegistry registry() {
    return new ModelRegistry(MlflowRest.of(trackingUri));
  }

  /**
   * Gets or creates the experiment called {@link #experimentName(String) experimentName(name)};
   * safe when another process creates it at the same time.
   */
  public String experimentId(MlflowClient client, String name) {
    String fullName = experimentName(name);
    return find(client, fullName).orElseGet(() -> create(client, fullName));
  }

  /** Looks an experiment up by search: a get-by-name miss is a 404 the Java client retries. */
  private static java.util.Optional<String> find(MlflowClient client, String fullName) {
    String filter = "name = '" + fullName.replace("'", "\\'") + "'";
    return client.searchExperiments(filter).getItems().stream()
        .filter(experiment -> experiment.getName().equals(fullName))
        .map(org.mlflow.api.proto.Service.Experiment::getExperimentId)
        .findFirst();
  }

  private static String create(MlflowClient client, String fullName) {
    try {
      return client.createExperiment(fullName);
    } catch (MlflowHttpException e) {
      if (e.getStatusCode() == 400
          && String.valueOf(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS")) {
        return find(client, fullName).orElseThrow(() -> e);
      }
      throw e;
    }
  }

  /** The MLflow UI address of a run. */
  public String runUrl(String experimentId, String runId) {
    return trackingUri + "/#/experiments/" + experimentId + "/runs/" + runId;
  }
}
