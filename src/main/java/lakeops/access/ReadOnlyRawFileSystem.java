package lakeops.access;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

/**
 * Hadoop's raw local file system with every mutating call checked against read-only storage roots:
 * the layer under {@link ReadOnlyRootsFileSystem} (and so under {@code FileContext} too).
 */
final class ReadOnlyRawFileSystem extends RawLocalFileSystem {

  private List<StorageRoot> readOnlyRoots = List.of();
  private String environment = "?";

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    List<StorageRoot> roots = new ArrayList<>(SessionPolicies.floor());
    Arrays.stream(conf.get(AccessProperties.READ_ONLY_ROOTS, "").split(","))
        .map(String::strip)
        .filter(root -> !root.isEmpty())
        .map(StorageRoot::of)
        .forEach(roots::add);
    readOnlyRoots = List.copyOf(roots);
    environment = conf.get(AccessProperties.ENVIRONMENT, "?");
  }

  @Override
  public FSDataOutputStream create(
      Path f,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    check("create", f);
    return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    check("create", f);
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream createNonRecursive(
      Path f,
      FsPermission permission,
      EnumSet<CreateFlag> flags,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    check("create", f);
    return super.createNonRecursive(
        f, permission, flags, bufferSize, replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream createNonRecursive(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    check("create", f);
    return super.createNonRecursive(
        f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  /** Where every output stream of the raw file system is opened: the last line of defence. */
  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission)
      throws IOException {
    check(append ? "append to" : "create", f);
    return super.createOutputStreamWithMode(f, append, permission);
  }

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress)
      throws IOException {
    check("append to", f);
    return super.append(f, bufferSize, progress);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    check("rename", src);
    check("rename to", dst);
    return super.rename(src, dst);
  }

  @Override
  public void moveFromLocalFile(Path src, Path dst) throws IOException {
    check("move", src);
    check("move to", dst);
    super.moveFromLocalFile(src, dst);
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    check("delete", f);
    return super.delete(f, recursive);
  }

  @Override
  public boolean truncate(Path f, long newLength) throws IOException {
    check("truncate", f);
    return super.truncate(f, newLength);
  }

  @Override
  public void concat(Path trg, Path[] psrcs) throws IOException {
    check("concat into", trg);
    for (Path source : psrcs) {
      check("concat", source);
    }
    super.concat(trg, psrcs);
  }

  @Override
  public boolean mkdirs(Path f) throws IOException {
    checkNewFolder(f);
    return super.mkdirs(f);
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    checkNewFolder(f);
    return super.mkdirs(f, permission);
  }

  @Override
  protected boolean mkOneDir(java.io.File folder) throws IOException {
    if (!folder.exists()) {
      check("create folder", new Path(folder.toURI()));
    }
    return super.mkOneDir(folder);
  }

  @Override
  public void setOwner(Path p, String username, String groupname) throws IOException {
    check("change the owner of", p);
    super.setOwner(p, username, groupname);
  }

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    check("change permissions of", p);
    super.setPermission(p, permission);
  }

  @Override
  public void setTimes(Path p, long mtime, long atime) throws IOException {
    check("change times of", p);
    super.setTimes(p, mtime, atime);
  }

  /** A link is a write where it is made and, as a way in, a write where it points. */
  @Override
  public void createSymlink(Path target, Path link, boolean createParent) throws IOException {
    check("create link", link);
    Path resolvedTarget = target.isAbsolute() ? target : new Path(link.getParent(), target);
    check("link to", resolvedTarget);
    super.createSymlink(target, link, createParent);
  }

  // Spark and Delta call mkdirs on folders that exist (a read of a table makes sure of its log).
  private void checkNewFolder(Path f) throws IOException {
    if (!exists(f)) {
      check("create folder", f);
    }
  }

  private void check(String operation, Path path) throws AccessControlException {
    if (readOnlyRoots.isEmpty()) {
      return;
    }
    StorageRoot target = StorageRoot.of(makeQualified(path).toString());
    for (StorageRoot root : readOnlyRoots) {
      if (root.containsReal(target)) {
        throw new AccessControlException(
            String.format(
                "%senvironment '%s' may not %s %s (storage root %s is read-only for it)",
                AccessDeniedException.PREFIX, environment, operation, path, root));
      }
    }
  }
}
