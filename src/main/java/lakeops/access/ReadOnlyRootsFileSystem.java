package lakeops.access;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Options.ChecksumOpt;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system ({@code file:}) as an environment's session sees it: storage roots it may not
 * write ({@value AccessProperties#READ_ONLY_ROOTS} in the Hadoop conf) are read-only, the way a
 * read-only cloud credential makes a bucket. Creating, appending, renaming, deleting, truncating and
 * making folders under them is refused with an {@link AccessControlException}.
 *
 * <p>Registered as {@code fs.file.impl} with the cache off, so every instance carries the conf of the
 * session that asked for it: a prod session in the same JVM as a dev session writes prod freely.
 */
public class ReadOnlyRootsFileSystem extends LocalFileSystem {

  private List<StorageRoot> readOnlyRoots = List.of();
  private String environment = "?";

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    readOnlyRoots = Arrays.stream(conf.get(AccessProperties.READ_ONLY_ROOTS, "").split(","))
        .map(String::strip).filter(root -> !root.isEmpty()).map(StorageRoot::of).toList();
    environment = conf.get(AccessProperties.ENVIRONMENT, "?");
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    check("create", f);
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream createNonRecursive(Path f, FsPermission permission,
      EnumSet<CreateFlag> flags, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    check("create", f);
    return super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize,
        progress);
  }

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
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
  @SuppressWarnings("deprecation")
  protected FSDataOutputStream primitiveCreate(Path f, FsPermission absolutePermission,
      EnumSet<CreateFlag> flag, int bufferSize, short replication, long blockSize,
      Progressable progress, ChecksumOpt checksumOpt) throws IOException {
    check("create", f);
    return super.primitiveCreate(f, absolutePermission, flag, bufferSize, replication, blockSize,
        progress, checksumOpt);
  }

  @Override
  @SuppressWarnings("deprecation")
  protected boolean primitiveMkdir(Path f, FsPermission absolutePermission) throws IOException {
    if (!exists(f)) {
      check("create folder", f);
    }
    return super.primitiveMkdir(f, absolutePermission);
  }

  @Override
  @SuppressWarnings("deprecation")
  protected void primitiveMkdir(Path f, FsPermission absolutePermission, boolean createParent)
      throws IOException {
    if (!exists(f)) {
      check("create folder", f);
    }
    super.primitiveMkdir(f, absolutePermission, createParent);
  }

  @Override
  @SuppressWarnings("deprecation")
  protected void rename(Path src, Path dst, Options.Rename... options) throws IOException {
    check("rename", src);
    check("rename to", dst);
    super.rename(src, dst, options);
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    check("delete", f);
    return super.delete(f, recursive);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, EnumSet<CreateFlag> flags,
      int bufferSize, short replication, long blockSize, Progressable progress,
      ChecksumOpt checksumOpt) throws IOException {
    check("create", f);
    return super.create(f, permission, flags, bufferSize, replication, blockSize, progress,
        checksumOpt);
  }

  @Override
  public boolean mkdirs(Path f) throws IOException {
    if (!exists(f)) {
      check("create folder", f);
    }
    return super.mkdirs(f);
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    if (!exists(f)) {
      check("create folder", f);
    }
    return super.mkdirs(f, permission);
  }

  @Override
  public boolean truncate(Path f, long newLength) throws IOException {
    check("truncate", f);
    return super.truncate(f, newLength);
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

  private void check(String operation, Path path) throws AccessControlException {
    if (readOnlyRoots.isEmpty()) {
      return;
    }
    StorageRoot target = StorageRoot.of(makeQualified(path).toString());
    for (StorageRoot root : readOnlyRoots) {
      if (root.contains(target)) {
        throw new AccessControlException(String.format(
            "%senvironment '%s' may not %s %s (storage root %s is read-only for it)",
            AccessDeniedException.PREFIX, environment, operation, path, root));
      }
    }
  }
}
