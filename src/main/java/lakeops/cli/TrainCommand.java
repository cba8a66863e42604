package lakeops.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.training.ModelTraining;
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

  @Option(
      names = "--skip-if-missing",
      description =
          "Exit 0 without training when a label or feature table is missing (says which).")
  boolean skipIfMissing;

  @Override
  public Integer call() {
    LakeOpsHome home = LakeOpsHome.current();
    ModelTraining training = ModelTraining.of(home, env.name);
    Path file = home.resolve(model.toString());
    List<String> missing = skipIfMissing ? training.missingTables(file) : List.of();
    if (!missing.isEmpty()) {
      System.out.println("Skipped training " + model + ": missing tables " + missing);
      return 0;
    }
    System.out.print((noLog ? training.train(file) : training.trainAndPublish(file)).summary());
    return 0;
  }
}
