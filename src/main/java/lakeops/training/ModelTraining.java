package lakeops.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lakeops.config.YamlConfig;
import lakeops.env.Environment;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.ValidationException;
import lakeops.features.FeatureLookup;
import lakeops.features.FeatureStore;
import lakeops.features.ModelFeatureSpec;
import lakeops.features.TrainingSet;
import lakeops.mlflow.MlflowModelWriter;
import lakeops.mlflow.MlflowProperties;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.MlflowRestException;
import lakeops.mlflow.RunRecord;
import lakeops.mlflow.Tracking;
import lakeops.session.SessionFactory;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model from its config file (or a {@link ModelSpec} built in code): label rows joined
 * point-in-time with their features, a time-based split, the MLlib pipeline fitted (and tuned),
 * metrics on every split, and everything autologged into a {@link RunRecord} kept with the model in
 * a local {@link ModelBundle}. {@link #train} stops there; {@link #trainAndPublish} then logs and
 * registers it with {@link ModelPublisher}.
 *
 * <pre>{@code TrainingResult r = ModelTraining.of(spark, home, environment)
 *     .trainAndPublish(Path.of("conf/models/flight_delay.yml"));}</pre>
 */
public final class ModelTraining {

  private static final Logger LOG = LoggerFactory.getLogger(ModelTraining.class);

  private final SparkSession spark;
  private final LakeOpsHome home;
  private final Environment environment;

  private ModelTraining(SparkSession spark, LakeOpsHome home, Environment environment) {
    this.spark = spark;
    this.home = home;
    this.environment = environment;
  }

  /** Training in {@code environment} (its catalog holds the label and feature tables). */
  public static ModelTraining of(SparkSession spark, LakeOpsHome home, Environment environment) {
    return new ModelTraining(spark, home, environment);
  }

  /**
   * Training in the environment called {@code environment} of {@code home}, in a session of that
   * environment.
   */
  public static ModelTraining of(LakeOpsHome home, String environment) {
    Environments environments = Environments.load(home);
    Environment chosen = environments.get(environment);
    return of(SessionFactory.create(environments, chosen.name()), home, chosen);
  }

  /** Trains the model of {@code modelFile}, then logs and registers it. */
  public TrainingResult trainAndPublish(Path modelFile) {
    return publish(train(modelFile));
  }

  /** Trains {@code spec}, then logs and registers it (see {@link #train(ModelSpec)}). */
  public TrainingResult trainAndPublish(ModelSpec spec) {
    return publish(train(spec));
  }

  private TrainingResult publish(TrainingResult trained) {
    Tracking tracking = Tracking.forEnvironment(home, environment);
    return publish(trained, MlflowRest.of(tracking.trackingUri()));
  }

  /**
   * Logs and registers a model {@link #train trained} into a local bundle. If the server cannot be
   * reached, fails saying where the model is kept and how to log it later.
   */
  public TrainingResult publish(TrainingResult trained, MlflowRest rest) {
    ModelBundle bundle = ModelBundle.open(trained.bundleDir());
    try {
      ModelBundle.Published published = new ModelPublisher(rest, spark).publish(bundle);
      return new TrainingResult(
          trained.registeredModel(),
          trained.bundleDir(),
          published,
          trained.metrics(),
          trained.trainingSeconds());
    } catch (MlflowRestException e) {
      throw TrainingErrors.cannotLog(
          trained.registeredModel(), trained.bundleDir(), environment.name(), e);
    }
  }

  /**
   * The label and feature tables of {@code modelFile} that do not exist in the environment's
   * catalog: empty when the model can be trained.
   */
  public List<String> missingTables(Path modelFile) {
    return missingTables(ModelSpecLoader.load(modelFile));
  }

  private List<String> missingTables(ModelSpec spec) {
    List<String> missing = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    tables.add(ModelSpecLoader.qualify(spec.labels().table(), environment.name()));
    for (FeatureLookup lookup : ModelSpecLoader.lookups(spec, environment.name())) {
      tables.add(lookup.table());
    }
    for (String table : tables) {
      if (!spark.catalog().tableExists(table)) {
        missing.add(table);
      }
    }
    return missing;
  }

  /** Trains the model of {@code modelFile} into a local bundle; nothing is sent to MLflow. */
  public TrainingResult train(Path modelFile) {
    return train(ModelSpecLoader.load(modelFile), modelFile);
  }

  /**
   * Trains {@code spec} (built in code, or read with {@link ModelSpec#load} and changed) into a
   * local bundle; nothing is sent to MLflow. The spec is checked as a model file is, and kept in
   * the bundle as its model file.
   */
  public TrainingResult train(ModelSpec spec) {
    return train(ModelSpecLoader.check(spec), null);
  }

  /** Trains {@code spec}, read from {@code modelFile} (null for a spec built in code). */
  private TrainingResult train(ModelSpec spec, Path modelFile) {
    List<String> missing = missingTables(spec);
    if (!missing.isEmpty()) {
      throw TrainingErrors.missingTables(spec.name(), missing, environment.name());
    }
    long started = System.currentTimeMillis();
    String catalog = environment.name();
    Tracking names = Tracking.withoutStarting(home, environment);
    String registeredModel = names.modelName(spec.name());
    spark
        .sparkContext()
        .setJobGroup(
            "lakeops-train-" + spec.name(),
            "Train model "
                + registeredModel
                + " from "
                + (modelFile == null ? "a spec built in code" : modelFile),
            false);
    try {
      FeatureLookup[] lookups = ModelSpecLoader.lookups(spec, catalog);
      String labelTable = ModelSpecLoader.qualify(spec.labels().table(), catalog);
      long labelVersion = deltaVersion(labelTable);
      TrainingSet set =
          FeatureStore.of(spark)
              .createTrainingSet(labels(spec, labelTable, labelVersion, lookups), lookups);
      Dataset<Row> data = set.data().persist(StorageLevel.MEMORY_AND_DISK());
      TimeSplit split =
          TimeSplit.of(
              data,
              spec.labels().timestamp(),
              ModelSpecLoader.validationFraction(spec),
              ModelSpecLoader.testFraction(spec));
      Pipeline pipeline = PipelineFactory.pipeline(spec.pipeline());

      Map<String, String> params = new LinkedHashMap<>();
      Map<String, Double> metrics = new LinkedHashMap<>();
      List<RunRecord> children = new ArrayList<>();
      ModelBundle bundle = ModelBundle.create(home, environment.name(), registeredModel);
      long fitStarted = System.nanoTime();
      PipelineModel model =
          spec.tuning() == null
              ? pipeline.fit(split.train())
              : tune(spec, pipeline, split, params, children, bundle, started);
      double trainingSeconds = (System.nanoTime() - fitStarted) / 1e9;
      if (spec.tuning() == null) {
        params.putAll(MllibAutolog.params(pipeline, new ParamMap()));
      }
      long trainRows = split.train().count();
      long validationRows = split.validation().count();
      long testRows = split.test().count();
      metrics.put("train_rows", (double) trainRows);
      metrics.put("validation_rows", (double) validationRows);
      metrics.put("test_rows", (double) testRows);
      metrics.put("training_seconds", trainingSeconds);
      metrics.putAll(Evaluation.evaluate(spec.metrics(), model.transform(split.train()), "train"));
      if (validationRows > 0) {
        metrics.putAll(
            Evaluation.evaluate(spec.metrics(), model.transform(split.validation()), "validation"));
      }
      metrics.putAll(Evaluation.evaluate(spec.metrics(), model.transform(split.test()), "test"));
      params.put("label", spec.labels().label());
      params.put("label_table", labelTable);
      params.put("split.validation_start", split.validationStart().toString());
      params.put("split.test_start", split.testStart().toString());

      Dataset<Row> example = inputExample(split, data).cache();
      MlflowModelWriter.write(model, example, bundle.modelDir());
      writeExamplePredictions(model, example, bundle.modelDir());
      example.unpersist();
      ModelFeatureSpec.of(set).writeTo(bundle.modelDir());
      writeModelConfig(spec, modelFile, bundle);

      Map<String, Long> versions = new LinkedHashMap<>(set.tableVersions());
      List<RunRecord.DatasetInput> datasets = new ArrayList<>();
      datasets.add(dataset(labelTable, labelVersion, "training"));
      set.tableVersions()
          .forEach((table, version) -> datasets.add(dataset(table, version, "training")));
      versions.put(labelTable, labelVersion);

      RunRecord run =
          new RunRecord(
              names.experimentName(spec.name()),
              spec.name() + "-" + bundle.dir().getFileName(),
              started,
              System.currentTimeMillis(),
              params,
              metrics,
              tags(spec, modelFile, pipeline),
              datasets,
              children);
      bundle.write(
          new ModelBundle.Manifest(
              environment.name(),
              registeredModel,
              spec.description() == null ? "" : spec.description(),
              versions,
              run,
              null));
      data.unpersist();
      LOG.info(
          "Trained {} in {} s: {}",
          registeredModel,
          String.format("%.1f", trainingSeconds),
          metrics);
      return new TrainingResult(registeredModel, bundle.dir(), null, metrics, trainingSeconds);
    } catch (IOException e) {
      throw TrainingErrors.cannotWrite("the trained model " + registeredModel, e);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /**
   * The label rows at {@code version}: the columns the lookups and the pipeline need, and the
   * label.
   */
  private Dataset<Row> labels(ModelSpec spec, String table, long version, FeatureLookup[] lookups) {
    Set<String> columns = new LinkedHashSet<>();
    for (FeatureLookup lookup : lookups) {
      columns.addAll(lookup.lookupKeys());
      lookup.timestampLookupKey().ifPresent(columns::add);
    }
    columns.add(spec.labels().timestamp());
    if (spec.labels().columns() != null) {
      columns.addAll(spec.labels().columns());
    }
    Dataset<Row> rows = spark.read().format("delta").option("versionAsOf", version).table(table);
    if (spec.labels().where() != null && !spec.labels().where().isBlank()) {
      rows = rows.where(expr(spec.labels().where()));
    }
    List<Column> selected = new ArrayList<>();
    columns.forEach(c -> selected.add(col("`" + c + "`")));
    selected.add(expr(spec.labels().label()).cast("double").as(TrainingProperties.LABEL_COLUMN));
    return rows.select(selected.toArray(Column[]::new))
        .where(col(TrainingProperties.LABEL_COLUMN).isNotNull());
  }

  /** Fits every candidate of the grid, logs one child run each, and returns the best model. */
  private PipelineModel tune(
      ModelSpec spec,
      Pipeline pipeline,
      TimeSplit split,
      Map<String, String> params,
      List<RunRecord> children,
      ModelBundle bundle,
      long started) {
    ParamMap[] candidates = TuningGrid.of(pipeline, spec.pipeline(), spec.tuning().grid());
    String metric = ModelSpecLoader.tuningMetric(spec);
    Evaluator evaluator = Evaluation.evaluator(metric);
    String method = ModelSpecLoader.tuningMethod(spec);
    int parallelism =
        spec.tuning().parallelism() == null
            ? TrainingProperties.PARALLELISM_DEFAULT
            : spec.tuning().parallelism();
    double[] scores = new double[candidates.length];
    PipelineModel best = null;
    int bestIndex = -1;
    if (method.equals("cross_validator")) {
      int folds =
          spec.tuning().numFolds() == null
              ? TrainingProperties.NUM_FOLDS_DEFAULT
              : spec.tuning().numFolds();
      CrossValidatorModel cv =
          new CrossValidator()
              .setEstimator(pipeline)
              .setEvaluator(evaluator)
              .setEstimatorParamMaps(candidates)
              .setNumFolds(folds)
              .setParallelism(parallelism)
              .setSeed(TrainingProperties.SEED)
              .fit(split.train());
      scores = cv.avgMetrics();
      best = (PipelineModel) cv.bestModel();
      params.put("estimator", "Pipeline");
      params.put("numFolds", Integer.toString(folds));
      params.put("seed", Long.toString(TrainingProperties.SEED));
    } else {
      for (int i = 0; i < candidates.length; i++) {
        PipelineModel fitted = pipeline.fit(split.train(), candidates[i]);
        scores[i] = evaluator.evaluate(fitted.transform(split.validation()));
        if (best == null
            || (evaluator.isLargerBetter()
                ? scores[i] > scores[bestIndex]
                : scores[i] < scores[bestIndex])) {
          best = fitted;
          bestIndex = i;
        }
      }
      params.put("estimator", "Pipeline");
    }
    for (int i = 0; i < candidates.length; i++) {
      if (bestIndex < 0
          || (evaluator.isLargerBetter()
              ? scores[i] > scores[bestIndex]
              : scores[i] < scores[bestIndex])) {
        bestIndex = i;
      }
    }
    params.put("tuning.method", method);
    params.put("evaluator", evaluator.getClass().getSimpleName());
    params.put(evaluator.getClass().getSimpleName() + ".metricName", metric);
    params.put("parallelism", Integer.toString(parallelism));
    params.putAll(MllibAutolog.params(pipeline, candidates[bestIndex]));
    MllibAutolog.named(pipeline, candidates[bestIndex])
        .forEach((k, v) -> params.put("best_" + k, v));
    String scoreName = method.equals("cross_validator") ? "avg_" + metric : metric;
    StringBuilder csv = new StringBuilder("candidate,params," + scoreName + "\n");
    for (int i = 0; i < candidates.length; i++) {
      Map<String, Double> childMetrics = new LinkedHashMap<>();
      childMetrics.put(scoreName, scores[i]);
      children.add(
          new RunRecord(
              null,
              "candidate-" + i,
              started,
              System.currentTimeMillis(),
              MllibAutolog.params(pipeline, candidates[i]),
              childMetrics,
              Map.of("estimator_name", "Pipeline", "estimator_class", Pipeline.class.getName()),
              List.of(),
              List.of()));
      csv.append(i)
          .append(",\"")
          .append(MllibAutolog.named(pipeline, candidates[i]).toString().replace("\"", "'"))
          .append("\",")
          .append(scores[i])
          .append('\n');
    }
    try {
      Files.createDirectories(bundle.artifactsDir());
      Files.writeString(bundle.artifactsDir().resolve("search_results.csv"), csv.toString());
      Files.writeString(
          bundle.artifactsDir().resolve("best_parameters.json"),
          new com.fasterxml.jackson.databind.ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(MllibAutolog.named(pipeline, candidates[bestIndex])));
    } catch (IOException e) {
      throw TrainingErrors.cannotWrite("tuning results to " + bundle.artifactsDir(), e);
    }
    return best;
  }

  /**
   * A few rows of model input (no label) without nulls, drawn at random (fixed seed) from the test
   * split when it has any, so the example spans keys rather than the first key's rows.
   */
  private static Dataset<Row> inputExample(TimeSplit split, Dataset<Row> data) {
    Dataset<Row> inputs = split.test().drop(TrainingProperties.LABEL_COLUMN);
    Dataset<Row> example =
        inputs
            .na()
            .drop()
            .orderBy(org.apache.spark.sql.functions.rand(TrainingProperties.SEED))
            .limit(MlflowProperties.INPUT_EXAMPLE_ROWS);
    if (example.isEmpty()) {
      example =
          data.drop(TrainingProperties.LABEL_COLUMN).limit(MlflowProperties.INPUT_EXAMPLE_ROWS);
    }
    return example;
  }

  /**
   * The pipeline's predictions on the input example, as {@value
   * TrainingProperties#EXAMPLE_PREDICTIONS_FILE} in the model: the reference a Python or serving
   * client's predictions on the example must match.
   */
  private static void writeExamplePredictions(
      PipelineModel model, Dataset<Row> example, Path modelDir) throws IOException {
    List<Double> predictions =
        model
            .transform(example)
            .select(MlflowProperties.PREDICTION_COLUMN)
            .as(org.apache.spark.sql.Encoders.DOUBLE())
            .collectAsList();
    Files.writeString(
        modelDir.resolve(TrainingProperties.EXAMPLE_PREDICTIONS_FILE),
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(predictions));
  }

  /** The model file, or the spec written as one, as the run's artifact {@code model_config.yml}. */
  private static void writeModelConfig(ModelSpec spec, Path modelFile, ModelBundle bundle)
      throws IOException {
    Path target = bundle.artifactsDir().resolve(TrainingProperties.MODEL_CONFIG_ARTIFACT);
    Files.createDirectories(bundle.artifactsDir());
    if (modelFile != null) {
      Files.copy(modelFile, target);
    } else {
      Files.writeString(target, YamlConfig.toYaml(spec));
    }
  }

  /**
   * The latest Delta version of the label table, read before training: the labels are read at it
   * and the run logs it. A label table that is not a Delta table fails here, before any work.
   */
  private long deltaVersion(String table) {
    return io.delta.tables.DeltaTable.forName(spark, table).history(1).first().getLong(0);
  }

  private RunRecord.DatasetInput dataset(String table, long version, String context) {
    String source =
        String.format(
            "{\"delta_table_name\": \"%s\", \"delta_table_version\": %d}", table, version);
    String schema = null;
    try {
      schema =
          "{\"mlflow_colspec\": " + MlflowModelWriter.columnSpec(spark.table(table).schema()) + "}";
    } catch (ValidationException e) { // a column type MLflow's column spec has no name for
      LOG.debug("No MLflow schema for {}: {}", table, e.getMessage());
    }
    return new RunRecord.DatasetInput(
        table, digest(table + "@" + version), "delta_table", source, schema, null, context);
  }

  private Map<String, String> tags(ModelSpec spec, Path modelFile, Pipeline pipeline) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(
        "estimator_name",
        spec.tuning() == null
            ? "Pipeline"
            : ModelSpecLoader.tuningMethod(spec).equals("cross_validator")
                ? "CrossValidator"
                : "Pipeline");
    tags.put(
        "estimator_class",
        spec.tuning() != null && ModelSpecLoader.tuningMethod(spec).equals("cross_validator")
            ? CrossValidator.class.getName()
            : pipeline.getClass().getName());
    tags.put(TrainingProperties.ENVIRONMENT_TAG, environment.name());
    if (modelFile != null) {
      tags.put(
          TrainingProperties.CONFIG_TAG,
          home.root().relativize(modelFile.toAbsolutePath()).toString());
    }
    tags.put("mlflow.source.type", "JOB");
    tags.put("mlflow.source.name", "lakeops train");
    tags.put("mlflow.user", System.getProperty("user.name", "lakeops"));
    String jobRun = System.getenv(TrainingProperties.JOB_RUN_ID_ENV);
    if (jobRun != null && !jobRun.isBlank()) {
      tags.put(TrainingProperties.JOB_RUN_TAG, jobRun);
    }
    String commit = gitCommit();
    if (commit != null) {
      tags.put("mlflow.source.git.commit", commit);
    }
    return tags;
  }

  private String gitCommit() {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "HEAD")
              .directory(home.installDir().toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return git.waitFor() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
