/**
 * Databricks-style multi-task jobs: specs read from {@code jobs/*.yml} ({@link lakeops.jobs.JobSpecs}),
 * the DAG runner that submits every task as its own {@code spark-submit} process
 * ({@link lakeops.jobs.JobRunner}, from {@link lakeops.jobs.Jobs#runner}) on ephemeral job clusters, the
 * cron and trigger scheduler ({@link lakeops.jobs.JobScheduler}), the run history table
 * {@code <env>.lakeops.job_runs} ({@link lakeops.jobs.DeltaJobRunStore}) and the export to the
 * Databricks Jobs API 2.1 ({@link lakeops.jobs.DatabricksExport}).
 */
package lakeops.jobs;
