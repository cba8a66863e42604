package lakeops.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.env.SessionFactory;
import lakeops.training.ModelTraining;
import lakeops.training.TrainingResult;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakeops train --env dev --model conf/models/flight_delay.yml}: train, log, register. */
@Command(name = "train", description = "Train a model from its config file, log it to MLflow and register it.")
final class TrainCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "Model config file, e.g. conf/models/flight_delay.yml.")
  Path model;

  @Option(names = "--no-log", description = "Train and keep the model locally; log nothing to MLflow.")
  boolean noLog;

  @Option(names = "--skip-if-missing",
      description = "Exit 0 without training when a label or feature table is missing (says which).")
  boolean skipIfMissing;

  @Override
  public Integer call() {
    LakeOpsHome home = LakeOpsHome.current();
    Environments environments = Environments.load(home);
    Environment environment = environments.get(env.name);
    SparkSession spark = SessionFactory.create(environments, environment.name());
    Path file = home.resolve(model.toString());
    ModelTraining training = ModelTraining.of(spark, home, environment);
    if (skipIfMissing) {
      java.util.List<String> missing = training.missingTables(file);
      if (!missing.isEmpty()) {
        System.out.println("Skipped training " + model + ": missing tables " + missing);
        return 0;
      }
    }
    TrainingResult result = noLog ? training.train(file) : training.trainAndPublish(file);
    print(result);
    return 0;
  }

  static void print(TrainingResult result) {
    System.out.printf("  model=%s training_seconds=%.1f%n", result.registeredModel(), result.trainingSeconds());
    result.metrics().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .forEach(m -> System.out.printf("  %-28s %.4f%n", m.getKey(), m.getValue()));
    System.out.println("  kept in " + result.bundleDir());
    if (result.published() != null) {
      System.out.printf("  run=%s version=%d alias=%s uri=%s%n", result.published().runId(),
          result.published().version(), result.published().alias(), result.modelUri());
      System.out.printf("  open %s/#/experiments/%s/runs/%s%n", result.published().trackingUri(),
          result.published().experimentId(), result.published().runId());
    }
  }
}
