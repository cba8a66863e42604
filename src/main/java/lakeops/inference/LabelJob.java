package lakeops.inference;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.training.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakeops labels --env prod --model flight_delay}, and the job main for {@code spark-submit
 * --class lakeops.inference.LabelJob lakeops-jobs.jar …}: merges the ground truth of the model's
 * {@code labels:} (its config file) into its predictions that have no label yet.
 */
@Command(
    name = "labels",
    description =
        "Merge the labels of a model (the labels: of its config) into its predictions that have "
            + "none yet.")
public final class LabelJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environment;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME",
      description =
          "Model name (its config is conf/models/NAME.yml) or a model config file (*.yml).")
  String model;

  @Option(
      names = "--predictions-table",
      paramLabel = "TABLE",
      description =
          "Predictions table (default: <env>." + InferenceProperties.PREDICTIONS_TABLE + ").")
  String predictionsTable;

  /** The command, for picocli (as {@code lakeops labels}) and {@link #main}. */
  public LabelJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new LabelJob(), args);
  }

  @Override
  public Integer call() {
    LakeOpsHome home = LakeOpsHome.current();
    ModelSpec spec = ModelSpec.load(configFile(home, model));
    BatchInference inference = BatchInference.of(home, environment);
    if (predictionsTable != null) {
      inference = inference.into(predictionsTable);
    }
    System.out.print(inference.mergeLabels(spec).summary());
    return 0;
  }

  /** {@code conf/models/<model>.yml}, or {@code model} itself when it names a YAML file. */
  static Path configFile(LakeOpsHome home, String model) {
    boolean file = model.endsWith(".yml") || model.endsWith(".yaml") || model.contains("/");
    return file ? home.resolve(model) : home.confDir().resolve("models").resolve(model + ".yml");
  }
}
