package lakeops.access;

/**
 * What an operation touches: a table, schema or path, and the environment catalog it belongs to
 * ({@code null} for a path outside every storage root or a catalog that is no environment).
 *
 * @param catalog the environment catalog, or {@code null}
 * @param name three-part name ({@code prod.features.t}), schema ({@code prod.features}), catalog,
 *     or path as shown in messages
 * @param outsideRoots whether the target is a path under no environment's storage root
 */
public record Target(String catalog, String name, boolean outsideRoots) {

  /** A target named in a catalog. */
  public static Target named(String catalog, String name) {
    return new Target(catalog, name, false);
  }

  /** A path under no environment's storage root. */
  public static Target unownedPath(String path) {
    return new Target(null, path, true);
  }

  @Override
  public String toString() {
    return name;
  }
}
