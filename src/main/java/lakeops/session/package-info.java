/**
 * The session layer: {@link lakeops.session.SessionFactory} turns an environment into a Spark
 * session with its catalogs, Hadoop settings and access policy bound to it. Capabilities, job mains
 * and the CLI get their sessions here; the layers below (env, access, catalog) never import it.
 */
package lakeops.session;
