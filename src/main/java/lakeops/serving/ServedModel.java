package lakeops.serving;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import lakeops.mlflow.MlflowProperties;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.types.StructType;

/**
 * One loaded model version, immutable: what requests carry ({@link #requestSchema}), how they are
 * read, features looked up and scored, and what {@code /version} shows. A hot reload replaces the
 * whole object; a request keeps the one it started with.
 */
final class ServedModel {

  /** The predictions of a batch, and class 1's probability of a binary classifier (else null). */
  record Scored(double[] predictions, Double[] probabilities) {}

  private final String name;
  private final int version;
  private final String alias;
  private final String runId;
  private final Instant loadedAt;
  private final Path dir;
  private final LocalPipeline pipeline;
  private final OnlineFeatures features;
  private final StructType requestSchema;
  private final RequestParser parser;
  private final List<String> notes;
  private final int prediction;
  private final int probability;

  ServedModel(
      String name,
      int version,
      String alias,
      String runId,
      Instant loadedAt,
      Path dir,
      LocalPipeline pipeline,
      OnlineFeatures features,
      int maxRows,
      List<String> notes) {
    this.name = name;
    this.version = version;
    this.alias = alias;
    this.runId = runId;
    this.loadedAt = loadedAt;
    this.dir = dir;
    this.pipeline = pipeline;
    this.features = features;
    this.requestSchema = features == null ? pipeline.inputSchema() : features.requestSchema();
    this.parser = new RequestParser(requestSchema, maxRows);
    this.notes = List.copyOf(notes);
    StructType output = pipeline.outputSchema();
    this.prediction = output.fieldIndex(MlflowProperties.PREDICTION_COLUMN);
    List<String> columns = List.of(output.fieldNames());
    int probabilityColumn = columns.indexOf(ServingProperties.PROBABILITY_COLUMN);
    this.probability =
        probabilityColumn >= 0
                && output.fields()[probabilityColumn].dataType().equals(SQLDataTypes.VectorType())
            ? probabilityColumn
            : -1;
  }

  /** This model with {@code fresh} features (new versions of its feature tables). */
  ServedModel withFeatures(OnlineFeatures fresh) {
    return new ServedModel(
        name, version, alias, runId, loadedAt, dir, pipeline, fresh, maxRows(), notes);
  }

  String name() {
    return name;
  }

  int version() {
    return version;
  }

  String alias() {
    return alias;
  }

  String runId() {
    return runId;
  }

  Instant loadedAt() {
    return loadedAt;
  }

  /** The downloaded model directory, deleted once the version stops serving. */
  Path dir() {
    return dir;
  }

  StructType requestSchema() {
    return requestSchema;
  }

  RequestParser parser() {
    return parser;
  }

  OnlineFeatures features() {
    return features;
  }

  /** Whether requests are scored without a Spark job. */
  boolean isLocal() {
    return pipeline.isLocal() && (features == null || features.isLocal());
  }

  /** How each stage and lookup runs, and what the load checked. */
  List<String> plan() {
    List<String> plan = new ArrayList<>();
    if (features != null) {
      plan.addAll(features.plan());
    }
    plan.addAll(pipeline.plan());
    plan.addAll(notes);
    return plan;
  }

  /** Scores rows of the request schema; a row a stage drops or refuses fails the request. */
  Scored score(List<Object[]> rows) {
    List<Object[]> inputs = features == null ? rows : features.join(rows);
    List<Object[]> outputs = pipeline.score(inputs);
    double[] predictions = new double[outputs.size()];
    Double[] probabilities = new Double[outputs.size()];
    for (int i = 0; i < predictions.length; i++) {
      Object[] row = outputs.get(i);
      if (row == null) {
        throw ServingErrors.rowDropped(i, "a stage with handleInvalid = skip drops it");
      }
      Object value = row[prediction];
      predictions[i] = value == null ? Double.NaN : ((Number) value).doubleValue();
      if (probability >= 0 && row[probability] instanceof Vector vector && vector.size() == 2) {
        probabilities[i] = vector.apply(1);
      }
    }
    return new Scored(predictions, probabilities);
  }

  private int maxRows() {
    return parser.maxRows();
  }
}
