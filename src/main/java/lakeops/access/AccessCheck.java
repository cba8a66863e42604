package lakeops.access;

import java.util.List;

/**
 * What an environment may do with one target, as {@code lakeops access check} prints it.
 *
 * @param environment the acting environment
 * @param target the table, schema or path asked about
 * @param canRead whether the environment may read it
 * @param canWrite whether the environment may write it
 * @param readers environments that may read it
 * @param writers environments that may write it
 * @param storageRoot the root of its catalog, or {@code null} for a path under no root
 */
public record AccessCheck(
    String environment,
    Target target,
    boolean canRead,
    boolean canWrite,
    List<String> readers,
    List<String> writers,
    String storageRoot) {

  /** The lines {@code lakeops access check} prints. */
  public List<String> lines() {
    String where =
        target.catalog() == null
            ? (target.outsideRoots()
                ? "a path under no environment's storage root"
                : "no environment's catalog")
            : "catalog " + target.catalog() + ", storage root " + storageRoot;
    return List.of(
        "environment: " + environment,
        "target:      " + target.name() + " (" + where + ")",
        "read:        "
            + (canRead ? "allowed" : "denied (readable only from: " + list(readers) + ")"),
        "write:       "
            + (canWrite ? "allowed" : "denied (writable only from: " + list(writers) + ")"));
  }

  private static String list(List<String> environments) {
    return environments.isEmpty() ? AccessProperties.NOBODY : String.join(", ", environments);
  }
}
