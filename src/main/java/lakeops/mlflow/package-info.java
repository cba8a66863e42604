/** MLflow: the project's own tracking server and clients of an environment's server. */
package lakeops.mlflow;
