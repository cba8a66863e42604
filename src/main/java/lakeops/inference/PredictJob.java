package lakeops.inference;

import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakeops predict --env prod --model flight_delay@champion --input gold.flights}, and the
 * job main for {@code spark-submit --class lakeops.inference.PredictJob lakeops-jobs.jar …}: scores
 * the latest version of a Delta table into {@code <env>.ml.predictions}, once per input version.
 */
@Command(
    name = "predict",
    description =
        "Score a Delta table with a registered model (features looked up) into <env>.ml.predictions, "
            + "once per input version.")
public final class PredictJob implements Callable<Integer> {

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
      paramLabel = "NAME@ALIAS",
      description =
          "Registered model and alias (NAME@ALIAS; NAME alone means @champion), a pinned version "
              + "(NAME/VERSION) or a models:/ URI; a NAME without dots gets the environment's "
              + "prefix (flight_delay is dev.ml.flight_delay in dev).")
  String model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "TABLE",
      description =
          "Delta table to score (schema.table in the environment's catalog, or three-part): the "
              + "model's lookup keys, timestamp and raw input columns.")
  String input;

  @Option(
      names = "--predictions-table",
      paramLabel = "TABLE",
      description =
          "Table to append to (default: <env>." + InferenceProperties.PREDICTIONS_TABLE + ").")
  String predictionsTable;

  /** The command, for picocli (as {@code lakeops predict}) and {@link #main}. */
  public PredictJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new PredictJob(), args);
  }

  @Override
  public Integer call() {
    BatchInference inference = BatchInference.of(LakeOpsHome.current(), environment);
    if (predictionsTable != null) {
      inference = inference.into(predictionsTable);
    }
    System.out.print(inference.score(model, input).summary());
    return 0;
  }
}
