/**
 * Environments as Spark catalogs: {@code <env>.<schema>.<table>} names over each environment's
 * storage root, without an external metastore.
 */
package lakeops.catalog;
