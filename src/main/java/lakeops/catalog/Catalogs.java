package lakeops.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import lakeops.access.AccessControl;
import lakeops.env.Environment;
import lakeops.env.EnvironmentProperties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Provisioning of environment catalogs: the storage root and the standard schemas ({@code bronze},
 * {@code silver}, {@code gold}, {@code features}, {@code ml}, {@code monitoring}, {@code lakeops}). An
 * administrator's step, like creating a catalog in Unity Catalog; idempotent.
 */
public final class Catalogs {

  private Catalogs() {}

  /** Creates the root and standard schemas of {@code environment}'s catalog; returns the schemas. */
  public static List<String> provision(Environment environment, Configuration hadoopConf) {
    Path root = new Path(environment.storageRoot());
    try {
      // Provisioning is an administrator's step: it may create every environment's root.
      FileSystem fs = root.getFileSystem(AccessControl.administratorConf(hadoopConf));
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
