package lakeops.access;

import java.net.URI;
import java.util.Locale;
import org.apache.hadoop.fs.Path;

/**
 * A storage root compared by scheme, authority and path segments, so {@code file:///a/prod},
 * {@code file:/a/prod} and {@code /a/prod} are one root and {@code /a/prod2} is not under it.
 */
record StorageRoot(String scheme, String authority, String path) {

  /** The root at {@code location}: a URI or an absolute local path. */
  static StorageRoot of(String location) {
    URI uri = new Path(location).toUri();
    String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    String authority = uri.getAuthority() == null ? "" : uri.getAuthority();
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    return new StorageRoot(scheme, authority, path);
  }

  /** Whether {@code other} is this root or lies under it. */
  boolean contains(StorageRoot other) {
    return scheme.equals(other.scheme) && authority.equals(other.authority)
        && (other.path.equals(path) || other.path.startsWith(path + "/"));
  }

  /** The segments of {@code other} below this root ({@code other} must be contained). */
  String[] relative(StorageRoot other) {
    String rest = other.path.substring(path.length()).replaceAll("^/+", "");
    return rest.isEmpty() ? new String[0] : rest.split("/+");
  }

  @Override
  public String toString() {
    return scheme + "://" + authority + path;
  }
}
