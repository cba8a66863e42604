/**
 * Environment-scoped data access: which environment may read and write which catalog, enforced
 * twice.
 *
 * <p>{@link lakeops.access.AccessControlExtension} checks every analyzed plan of a session (Spark
 * session extension): each table or path it reads or writes must be readable or writable by the
 * session's environment, and a command it cannot classify as read-only counts as a write to all it
 * references (deny by default). {@link lakeops.access.ReadOnlyRootsFileSystem} refuses, below
 * Spark, any change under a storage root the environment may not write. Refusals raise {@link
 * lakeops.access.AccessDeniedException} and are appended to {@code <env>.lakeops.access_audit}.
 */
package lakeops.access;
