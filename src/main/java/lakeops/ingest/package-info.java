/**
 * Lakehouse data: incremental ingestion of a landing folder into bronze ({@link
 * lakeops.ingest.Ingestion}), silver tables guarded by declarative expectations with quarantine and
 * data-quality metrics ({@link lakeops.ingest.SilverRefinement}), and gold tables ({@link
 * lakeops.ingest.GoldBuild}). Every step is idempotent: a re-run after success changes nothing, and
 * a step killed half-way and re-run ends as one clean run (Structured Streaming checkpoints plus
 * Delta's {@code txnAppId}/{@code txnVersion}).
 */
package lakeops.ingest;
