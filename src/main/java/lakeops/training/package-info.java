/**
 * Training: MLlib pipelines from model config files ({@code conf/models/*.yml}), point-in-time
 * training sets, time-based splits, tuning, Java autologging to MLflow, local model bundles and
 * publishing to the Model Registry.
 */
package lakeops.training;
