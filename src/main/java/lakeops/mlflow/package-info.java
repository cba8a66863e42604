/**
 * MLflow: the project's own tracking server, a REST client with retries, the MLflow model format
 * (spark + python_function flavors), the proxied artifact store, run logging and the Model
 * Registry.
 */
package lakeops.mlflow;
