/**
 * Environments (dev, staging, prod) read from {@code environments/*.yml}, and the Spark sessions built
 * for them.
 */
package lakeops.env;
