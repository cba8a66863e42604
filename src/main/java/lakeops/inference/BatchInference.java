package lakeops.inference;

import java.util.Locale;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.Tracking;
import lakeops.session.SessionFactory;
import lakeops.training.ModelSpec;
import org.apache.spark.sql.SparkSession;

/**
 * Batch inference's entry point in one environment: {@link #score} scores a Delta table with a
 * registered model into the predictions table ({@code <env>.ml.predictions}), and {@link
 * #mergeLabels} merges the ground truth into it when it lands.
 *
 * <pre>{@code
 * BatchInference inference = BatchInference.of(spark, home, environment);
 * inference.score("flight_delay@champion", "gold.flights");   // dev.ml.flight_delay in dev
 * inference.mergeLabels(ModelSpec.load(home.resolve("conf/models/flight_delay.yml")));
 * }</pre>
 *
 * <p>Scoring is idempotent per input version: each run reads one Delta version of the input, scores
 * only its rows whose keys this model version has not scored yet, and appends them in one commit
 * carrying Delta's {@code txnAppId}/{@code txnVersion}, so a re-run or a retry after a crash writes
 * nothing twice.
 */
public final class BatchInference {

  private final SparkSession spark;
  private final LakeOpsHome home;
  private final Environment environment;
  private final String predictionsTable;

  private BatchInference(
      SparkSession spark, LakeOpsHome home, Environment environment, String predictionsTable) {
    this.spark = spark;
    this.home = home;
    this.environment = environment;
    this.predictionsTable = predictionsTable;
  }

  /**
   * Batch inference in {@code environment}, in {@code spark} (a session of that environment), with
   * the environment's MLflow server (started on first scoring if it is the embedded one).
   */
  public static BatchInference of(SparkSession spark, LakeOpsHome home, Environment environment) {
    return new BatchInference(
        spark, home, environment, environment.name() + "." + InferenceProperties.PREDICTIONS_TABLE);
  }

  /** Batch inference in the environment called {@code environment}, in a session of its own. */
  public static BatchInference of(LakeOpsHome home, String environment) {
    Environments environments = Environments.load(home);
    Environment chosen = environments.get(environment);
    return of(SessionFactory.create(environments, chosen.name()), home, chosen);
  }

  /**
   * The same, writing to and labelling {@code table} instead ({@code schema.table} in the
   * environment's catalog, or three-part).
   */
  public BatchInference into(String table) {
    return new BatchInference(spark, home, environment, qualifiedTable(table));
  }

  /** The predictions table, three-part name. */
  public String predictionsTable() {
    return predictionsTable;
  }

  /**
   * The {@code models:/} URI {@code model} stands for: {@code flight_delay} is {@code
   * models:/dev.ml.flight_delay@champion} in dev, {@code flight_delay/3} a pinned version; a
   * qualified name or a {@code models:/} URI is kept.
   */
  public String modelUri(String model) {
    String reference = model == null ? "" : model.strip();
    if (reference.startsWith("models:/")) {
      reference = reference.substring("models:/".length());
    }
    int end = reference.length();
    for (char separator : new char[] {'@', '/'}) {
      int at = reference.indexOf(separator);
      end = at >= 0 ? Math.min(end, at) : end;
    }
    String name = reference.substring(0, end);
    String rest = reference.substring(end);
    if (name.isEmpty() || rest.equals("@") || rest.equals("/")) {
      throw InferenceErrors.badModelReference(model);
    }
    if (rest.isEmpty()) {
      rest = "@" + InferenceProperties.ALIAS_DEFAULT;
    }
    return "models:/" + tracking(false).qualifiedModelName(name) + rest;
  }

  /**
   * Scores the latest Delta version of {@code inputTable} with {@code model} (see {@link
   * #modelUri}) into the predictions table: the rows of that version whose keys the model's version
   * has not scored yet, their features looked up point-in-time from the model's stored lookups. An
   * input without the columns the model needs (or with other types) is refused, naming them, and
   * nothing is written.
   */
  public ScoringResult score(String model, String inputTable) {
    String uri = modelUri(model);
    ModelRegistry registry = tracking(true).registry();
    return new BatchScoring(spark, registry, predictionsTable)
        .score(uri, qualifiedTable(inputTable));
  }

  /**
   * Merges the labels of the model of {@code spec} (its {@code labels:} table and expression) into
   * the predictions of that model still without a label, matched on its lookup keys and timestamp
   * key; sets {@code label} and {@code labelled_at}. Idempotent: a label is set once.
   */
  public LabelResult mergeLabels(ModelSpec spec) {
    String model = tracking(false).qualifiedModelName(spec.name());
    return new LabelMerge(spark, predictionsTable).merge(model, spec);
  }

  private Tracking tracking(boolean start) {
    return start
        ? Tracking.forEnvironment(home, environment)
        : Tracking.withoutStarting(home, environment);
  }

  /** {@code table} with the environment's catalog when it has two parts. */
  private String qualifiedTable(String table) {
    String name = table.strip();
    long dots = name.chars().filter(c -> c == '.').count();
    return dots == 1 ? environment.name().toLowerCase(Locale.ROOT) + "." + name : name;
  }
}
