package lakeops.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import lakeops.env.Environment;
import lakeops.env.EnvironmentProperties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Provisioning of environment catalogs: the storage root and the standard schemas ({@code bronze},
 * {@code silver}, {@code gold}, {@code features}, {@code ml}, {@code monitoring}, {@code lakeops});
 * idempotent. Done by a session of the environment itself (or another that may write its root): the
 * file systems of every other refuse it.
 */
public final class Catalogs {

  private Catalogs() {}

  /**
   * Creates the root and standard schemas of {@code environment}'s catalog through {@code
   * hadoopConf}'s file system; returns the schemas.
   */
  public static List<String> provision(Environment environment, Configuration hadoopConf) {
    Path root = new Path(environment.storageRoot());
    try {
      FileSystem fs = root.getFileSystem(hadoopConf);
      for (String schema : EnvironmentProperties.STANDARD_SCHEMAS) {
        fs.mkdirs(new Path(root, schema));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot provision catalog " + environment.name() + " at " + root, e);
    }
    return EnvironmentProperties.STANDARD_SCHEMAS;
  }
}
