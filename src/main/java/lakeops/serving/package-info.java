/**
 * Online serving: {@link lakeops.serving.ModelServer} serves a registered model's alias over REST
 * in MLflow's scoring protocol, scoring in the JVM with {@link lakeops.serving.LocalPipeline},
 * looking features up online, hot-reloading the alias and logging every inference; configured by
 * {@link lakeops.serving.ServingSpec}.
 */
package lakeops.serving;
