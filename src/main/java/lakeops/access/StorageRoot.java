package lakeops.access;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Paths;
import java.util.Locale;
import org.apache.hadoop.fs.Path;

/**
 * A storage location compared by scheme, authority and path segments, so {@code file:///a/prod},
 * {@code file:/a/prod} and {@code /a/prod} are one root and {@code /a/prod2} is not under it.
 *
 * <p>Local paths are compared as the file system resolves them: {@link #real()} follows symbolic
 * links and {@code ..} through the longest part of the path that exists, so a link under dev's root
 * that points into prod's root is under prod's root.
 */
record StorageRoot(String scheme, String authority, String path) {

  /** Links followed at most, as the kernel's own limit. */
  private static final int MAX_LINKS = 40;

  /** The location {@code location}: a URI or an absolute local path. */
  static StorageRoot of(String location) {
    URI uri = new Path(location).toUri();
    String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    String authority = uri.getAuthority() == null ? "" : uri.getAuthority();
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    return new StorageRoot(scheme, authority, path);
  }

  /** This location as the file system resolves it: links followed for local paths. */
  StorageRoot real() {
    if (!scheme.equals("file") || path.isEmpty()) {
      return this;
    }
    String resolved = resolve(Paths.get(path).toAbsolutePath(), 0).toString();
    return new StorageRoot(scheme, authority, resolved.replaceAll("/+$", ""));
  }

  /**
   * {@code absolute} with every link of its longest existing part followed; a dangling link is
   * followed to where a write through it would land.
   */
  private static java.nio.file.Path resolve(java.nio.file.Path absolute, int depth) {
    java.nio.file.Path existing = absolute;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute.normalize();
    }
    java.nio.file.Path rest = existing.relativize(absolute);
    try {
      return existing.toRealPath().resolve(rest).normalize();
    } catch (IOException e) {
      if (Files.isSymbolicLink(existing) && depth < MAX_LINKS) {
        try {
          java.nio.file.Path target = Files.readSymbolicLink(existing);
          return resolve(existing.resolveSibling(target).resolve(rest), depth + 1);
        } catch (IOException unreadable) {
          return absolute.normalize();
        }
      }
      // A folder we may not stat: compare what we were given, resolved lexically.
      return absolute.normalize();
    }
  }

  /** Whether {@code other} is this root or lies under it. */
  boolean contains(StorageRoot other) {
    return scheme.equals(other.scheme)
        && authority.equals(other.authority)
        && (other.path.equals(path) || other.path.startsWith(path + "/") || path.isEmpty());
  }

  /** Whether {@code other}, with links resolved, is this root (links resolved) or lies under it. */
  boolean containsReal(StorageRoot other) {
    return real().contains(other.real()) || contains(other);
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
