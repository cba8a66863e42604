package lakeops.training;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Job main of training, for {@code spark-submit --class lakeops.training.TrainJob lakeops-jobs.jar
 * --env dev --model conf/models/flight_delay.yml}: the arguments and output of {@code lakeops
 * train}.
 */
@Command(
    name = "lakeops.training.TrainJob",
    description = "Train a model from its config file, log it to MLflow and register it.")
public final class TrainJob implements Callable<Integer> {

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
      paramLabel = "FILE",
      description = "Model config file, e.g. conf/models/flight_delay.yml.")
  Path model;

  @Option(
      names = "--no-log",
      description = "Train and keep the model locally; log nothing to MLflow.")
  boolean noLog;

  private TrainJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new TrainJob(), args);
  }

  @Override
  public Integer call() {
    LakeOpsHome home = LakeOpsHome.current();
    ModelTraining training = ModelTraining.of(home, environment);
    Path file = home.resolve(model.toString());
    TrainingResult result = noLog ? training.train(file) : training.trainAndPublish(file);
    System.out.print(result.summary());
    result.publishTaskValues();
    return 0;
  }
}
