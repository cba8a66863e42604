package lakeops.serving;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted Spark ML {@link PipelineModel} evaluated in the JVM, row by row, without a Spark job:
 * the imputer, string indexer, one-hot encoder, vector assembler, standard scaler and bucketizer,
 * the MLlib models' own per-vector predictions, and every stage whose transform is a plain
 * projection (a {@code SQLTransformer} of {@code SELECT … FROM __THIS__}) through Spark's own
 * expressions. Other stages run in Spark on the batch; {@link #plan()} says how each stage runs.
 * Rows and results equal Spark's {@code transform} on the same rows, nulls, NaNs and unseen
 * categories included.
 *
 * <pre>{@code LocalPipeline local = LocalPipeline.of(model, inputSchema, spark);
 * List<Row> scored = local.transform(List.of(RowFactory.create("ORD", 740, ts)));}</pre>
 */
public final class LocalPipeline {

  /** One step: a stage evaluated in the JVM, or a run of stages Spark evaluates. */
  private record Step(String name, LocalStage local, SparkStages spark) {}

  private final StructType input;
  private final StructType output;
  private final List<Step> steps;
  private final List<String> plan;

  private LocalPipeline(StructType input, StructType output, List<Step> steps, List<String> plan) {
    this.input = input;
    this.output = output;
    this.steps = List.copyOf(steps);
    this.plan = List.copyOf(plan);
  }

  /**
   * Compiles {@code model} for rows of {@code input}. Reads what the stages hold (an imputer's
   * surrogates, a SQL statement's plan) once; {@code spark} also runs the stages left to Spark.
   */
  public static LocalPipeline of(PipelineModel model, StructType input, SparkSession spark) {
    List<Step> steps = new ArrayList<>();
    List<String> plan = new ArrayList<>();
    List<Transformer> pending = new ArrayList<>();
    StructType schema = input;
    int number = 0;
    for (Transformer stage : flatten(model)) {
      number++;
      String name = stage.getClass().getSimpleName();
      LocalStage local;
      String reason;
      try {
        local = compile(stage, schema, spark);
        reason = null;
      } catch (RuntimeException e) { // UnsupportedStage, or a stage that cannot read this schema
        local = null;
        reason = e.getMessage();
      }
      if (local == null) {
        pending.add(stage);
        plan.add(String.format("%d. %s: in Spark (%s)", number, name, reason));
        schema = stage.transformSchema(schema);
        continue;
      }
      if (!pending.isEmpty()) {
        SparkStages run = new SparkStages(pending, inputOf(steps, input), spark);
        steps.add(new Step(run.names(), null, run));
        pending.clear();
      }
      plan.add(String.format("%d. %s: %s", number, name, local.how()));
      steps.add(new Step(name, local, null));
      schema = local.outputSchema();
    }
    if (!pending.isEmpty()) {
      SparkStages last = new SparkStages(pending, inputOf(steps, input), spark);
      steps.add(new Step(last.names(), null, last));
    }
    return new LocalPipeline(input, schema, steps, plan);
  }

  /** {@code model} with every stage in Spark (when the JVM's results were found to differ). */
  static LocalPipeline inSpark(PipelineModel model, StructType input, SparkSession spark) {
    SparkStages all = new SparkStages(flatten(model), input, spark);
    List<String> plan = new ArrayList<>();
    List<Transformer> stages = flatten(model);
    for (int i = 0; i < stages.size(); i++) {
      plan.add(String.format("%d. %s: in Spark", i + 1, stages.get(i).getClass().getSimpleName()));
    }
    return new LocalPipeline(
        input, all.outputSchema(), List.of(new Step(all.names(), null, all)), plan);
  }

  /** Schema of the rows the pipeline takes. */
  public StructType inputSchema() {
    return input;
  }

  /** Schema of the rows it returns: the input columns and every column the stages add. */
  public StructType outputSchema() {
    return output;
  }

  /**
   * One line per stage: its number, class and how it runs ({@code in the JVM}, {@code in Spark
   * (why)}).
   */
  public List<String> plan() {
    return plan;
  }

  /** Whether every stage runs in the JVM: then no request launches a Spark job. */
  public boolean isLocal() {
    return steps.stream().allMatch(step -> step.local() != null);
  }

  /**
   * Transforms {@code rows} (of {@link #inputSchema()}) as Spark's {@code transform} would: rows a
   * stage skips are left out. Fails naming the row and stage where Spark's transform would fail.
   */
  public List<Row> transform(List<Row> rows) {
    List<Object[]> values = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Object[] array = new Object[row.length()];
      for (int i = 0; i < array.length; i++) {
        array[i] = row.get(i);
      }
      values.add(array);
    }
    List<Row> result = new ArrayList<>(rows.size());
    for (Object[] row : score(values)) {
      if (row != null) {
        result.add(RowFactory.create(row));
      }
    }
    return result;
  }

  /** The output row of each row of {@code rows}, in order; null where a stage dropped the row. */
  List<Object[]> score(List<Object[]> rows) {
    List<Object[]> current = rows;
    for (Step step : steps) {
      current = step.local() != null ? applyLocal(step, current) : applySpark(step, current);
    }
    return current;
  }

  private static List<Object[]> applyLocal(Step step, List<Object[]> rows) {
    List<Object[]> next = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Object[] row = rows.get(i);
      try {
        next.add(row == null ? null : step.local().apply(row));
      } catch (RowFailure e) {
        throw ServingErrors.rowFailed(i, step.name(), e.getMessage());
      }
    }
    return next;
  }

  private static List<Object[]> applySpark(Step step, List<Object[]> rows) {
    try {
      return step.spark().apply(rows);
    } catch (RowFailure e) {
      throw ServingErrors.batchFailed(step.name(), e.getMessage());
    }
  }

  private static StructType inputOf(List<Step> steps, StructType input) {
    if (steps.isEmpty()) {
      return input;
    }
    Step last = steps.get(steps.size() - 1);
    return last.local() != null ? last.local().outputSchema() : last.spark().outputSchema();
  }

  /**
   * The stage's own row evaluator if it has one and covers the stage's settings, else its
   * expressions if its transform is a projection; {@link UnsupportedStage} saying why not.
   */
  private static LocalStage compile(Transformer stage, StructType schema, SparkSession spark) {
    String specificFailure = null;
    try {
      LocalStage local = specific(stage, schema);
      if (local != null) {
        return local;
      }
    } catch (UnsupportedStage e) {
      specificFailure = e.getMessage();
    }
    try {
      return new ExpressionStage(stage, schema, spark);
    } catch (RuntimeException e) {
      throw new UnsupportedStage(
          specificFailure == null ? e.getMessage() : specificFailure + "; " + e.getMessage());
    }
  }

  /** The hand-written evaluator of {@code stage}, or null if there is none for its class. */
  private static LocalStage specific(Transformer stage, StructType schema) {
    if (stage instanceof ImputerModel imputer) {
      return new ImputerStage(imputer, schema);
    } else if (stage instanceof StringIndexerModel indexer) {
      return new IndexerStage(indexer, schema);
    } else if (stage instanceof OneHotEncoderModel encoder) {
      return new OneHotStage(encoder, schema);
    } else if (stage instanceof VectorAssembler assembler) {
      return new AssemblerStage(assembler, schema);
    } else if (stage instanceof StandardScalerModel scaler) {
      return new ScalerStage(scaler, schema);
    } else if (stage instanceof Bucketizer bucketizer) {
      return new BucketizerStage(bucketizer, schema);
    } else if (stage instanceof PredictionModel<?, ?> predictor) {
      return new PredictorStage(predictor, schema);
    }
    return null;
  }

  private static List<Transformer> flatten(PipelineModel model) {
    List<Transformer> stages = new ArrayList<>();
    for (Transformer stage : model.stages()) {
      if (stage instanceof PipelineModel nested) {
        stages.addAll(flatten(nested));
      } else {
        stages.add(stage);
      }
    }
    return Collections.unmodifiableList(stages);
  }
}
