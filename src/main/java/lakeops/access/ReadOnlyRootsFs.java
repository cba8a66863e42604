package lakeops.access;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FsConstants;

/**
 * {@link ReadOnlyRootsFileSystem} for Hadoop's {@code FileContext} API ({@code
 * fs.AbstractFileSystem.file.impl}), which Delta's log store commits through.
 */
public class ReadOnlyRootsFs extends DelegateToFileSystem {

  public ReadOnlyRootsFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    super(uri, new ReadOnlyRootsFileSystem(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
  }

  @Override
  public int getUriDefaultPort() {
    return -1;
  }
}
