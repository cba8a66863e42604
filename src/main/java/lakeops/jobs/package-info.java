/**
 * Databricks-style multi-task jobs: specs read from {@code jobs/*.yml} ({@link
 * lakeops.jobs.JobSpecs}), the DAG runner that submits every task as its own {@code spark-submit}
 * process ({@link lakeops.jobs.JobRunner}, from {@link lakeops.jobs.Jobs#runner}) on ephemeral job
 * clusters, the cron and trigger scheduler ({@link lakeops.jobs.JobScheduler}, run for an
 * environment by {@link lakeops.jobs.EnvironmentScheduler}), the run history table {@code
 * <env>.lakeops.job_runs} ({@link lakeops.jobs.DeltaJobRunStore}), the export to the Databricks
 * Jobs API 2.1 ({@link lakeops.jobs.DatabricksExport}) and the way a task's main reports errors
 * ({@link lakeops.jobs.JobMain}).
 */
package lakeops.jobs;
