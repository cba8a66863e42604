/**
 * The SQL endpoint: a Spark Connect server over an environment's catalogs and access policy, so any
 * Spark Connect client (pyspark {@code --remote sc://…}, notebooks, the Spark Connect JVM client)
 * runs SQL and DataFrame queries on the lake by three-part name.
 *
 * <p>Public API: {@link lakeops.sqlserver.SqlServer} (start, address, stop), {@link
 * lakeops.sqlserver.SqlServerSpec} (address, port, token), {@link
 * lakeops.sqlserver.SqlServerProperties} (defaults) and {@link lakeops.sqlserver.SqlServerJob} (the
 * {@code lakeops sql-server} command and job main).
 *
 * <p>Every client session is derived ({@code newSession()}, {@code cloneSession()}) from the
 * environment's session that {@code SessionFactory} built, so the access guard bound to that
 * session holds for each of them: what a client can do is what the environment may do.
 */
package lakeops.sqlserver;
