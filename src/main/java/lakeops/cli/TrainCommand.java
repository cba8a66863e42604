package lakeops.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.training.ModelTraining;
import lakeops.training.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakeops train --env dev --model conf/models/flight_delay.yml}: train, log, register. */
@Command(
    name = "train",
    description = "Train a model from its config file, log it to MLflow and register it.")
final class TrainCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

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

  @Override
  public Integer call() {
    LakeOpsHome home = LakeOpsHome.current();
    ModelTraining training = ModelTraining.of(home, env.name);
    Path file = home.resolve(model.toString());
    TrainingResult result = noLog ? training.train(file) : training.trainAndPublish(file);
    System.out.print(result.summary());
    result.publishTaskValues();
    return 0;
  }
}
