package lakeops.access;

import org.apache.hadoop.fs.LocalFileSystem;

/**
 * The local file system ({@code file:}) as an environment's session sees it: storage roots it may
 * not write ({@value AccessProperties#READ_ONLY_ROOTS} in the Hadoop conf, plus the roots no
 * environment of this JVM may write) are read-only, the way a read-only cloud credential makes a
 * bucket. Every change under them — create, append, rename, delete, truncate, concat, folders,
 * links, owner, permissions, times — is refused with an {@code AccessControlException}, with paths
 * compared after following links. The checks live in the raw file system underneath, so {@code
 * getRaw()} and the checksum layer are guarded alike.
 *
 * <p>Registered as {@code fs.file.impl} with the cache off, so every instance carries the conf of
 * the session that asked for it: a prod session in the same JVM as a dev session writes prod
 * freely.
 */
public class ReadOnlyRootsFileSystem extends LocalFileSystem {

  public ReadOnlyRootsFileSystem() {
    super(new ReadOnlyRawFileSystem());
  }
}
