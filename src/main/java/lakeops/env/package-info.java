/**
 * Environments (dev, staging, prod) read from {@code environments/*.yml}: storage roots, catalogs
 * each may read and write, MLflow, Spark settings. Sessions are built from them by {@code
 * lakeops.session}.
 */
package lakeops.env;
