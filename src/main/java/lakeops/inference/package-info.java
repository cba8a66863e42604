/**
 * Batch inference: scores a Delta table with a registered model, its features looked up
 * point-in-time from the model's stored lookups, into {@code <env>.ml.predictions} (one atomic,
 * idempotent append per input version), and merges the labels into it when the ground truth lands,
 * so the inference-log monitor computes model quality per model version.
 *
 * <pre>{@code
 * BatchInference inference = BatchInference.of(spark, home, environment);
 * ScoringResult scored = inference.score("flight_delay@champion", "gold.flights");
 * LabelResult labelled = inference.mergeLabels(ModelSpec.load(home.resolve("conf/models/flight_delay.yml")));
 * }</pre>
 */
package lakeops.inference;
