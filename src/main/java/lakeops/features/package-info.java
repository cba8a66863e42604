/**
 * The feature store on Delta: feature tables with primary and timestamp keys, point-in-time
 * training sets, per-write statistics and metadata tables.
 */
package lakeops.features;
