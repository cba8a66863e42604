package lakeops.catalog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A Delta log store for {@code s3a://} tables whose commits are S3 conditional writes: each commit
 * file is one PUT with {@code If-None-Match: *}, which the server refuses (HTTP 412) when the file
 * exists. Two writers racing for the same version so cannot both win, in one JVM or many, with no
 * lock service; the loser gets the {@link FileAlreadyExistsException} Delta retries on.
 *
 * <p>Needs a server that supports conditional writes (AWS S3 since 2024 and some compatible
 * servers); on one that ignores the header, concurrent commits can overwrite each other, as with
 * Delta's single-driver S3 log store. Selected by {@code storage.s3.log_store: conditional-writes}.
 */
public final class S3ConditionalWriteLogStore extends io.delta.storage.HadoopFileSystemLogStore {

  /** hadoop-aws' option of {@code createFile()} that makes a create conditional. */
  static final String CONDITIONAL_OVERWRITE = "fs.option.create.conditional.overwrite";

  private static final int PRECONDITION_FAILED = 412;

  public S3ConditionalWriteLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf)
      throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    if (Boolean.TRUE.equals(overwrite)) {
      try (OutputStream out = fs.create(path, true)) {
        writeLines(out, actions);
      }
      return;
    }
    try {
      FSDataOutputStream out =
          (FSDataOutputStream)
              fs.createFile(path).overwrite(false).must(CONDITIONAL_OVERWRITE, true).build();
      try (out) {
        writeLines(out, actions);
      }
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(path.toString());
    } catch (IOException e) {
      if (isPreconditionFailed(e)) {
        throw new FileAlreadyExistsException(path.toString());
      }
      throw e;
    }
  }

  private static void writeLines(OutputStream out, Iterator<String> actions) throws IOException {
    while (actions.hasNext()) {
      out.write((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Whether the server refused the write because the object exists (412 Precondition Failed). */
  private static boolean isPreconditionFailed(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof org.apache.hadoop.fs.s3a.RemoteFileChangedException
          || cause instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
              && aws.statusCode() == PRECONDITION_FAILED) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration conf) {
    // A PUT is atomic: a commit file is visible whole or not at all.
    return false;
  }
}
