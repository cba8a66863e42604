package lakeops.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lakeops.exceptions.ValidationException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.connector.catalog.Identifier;

/**
 * Where a catalog keeps its schemas and tables: schema = folder under the root, table = Delta table
 * folder under its schema. Names are case-insensitive and stored lower case, as in Unity Catalog.
 */
final class TableLayout {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String catalog;
  private final Path root;
  private final Configuration hadoopConf;

  TableLayout(String catalog, Path root, Configuration hadoopConf) {
    this.catalog = catalog;
    this.root = root;
    this.hadoopConf = hadoopConf;
  }

  Path root() {
    return root;
  }

  Path schemaPath(String[] namespace) {
    return new Path(root, schemaName(namespace));
  }

  Path tablePath(Identifier ident) {
    return new Path(schemaPath(ident.namespace()), name(ident.name(), "table"));
  }

  boolean schemaExists(String[] namespace) {
    return namespace.length == 1 && isDirectory(schemaPath(namespace));
  }

  boolean tableExists(Identifier ident) {
    return ident.namespace().length == 1 && isDirectory(new Path(tablePath(ident), "_delta_log"));
  }

  List<String> schemas() {
    List<String> names = new ArrayList<>();
    for (FileStatus status : list(root)) {
      String name = status.getPath().getName();
      if (status.isDirectory() && isVisible(name)) {
        names.add(name);
      }
    }
    return names;
  }

  List<String> tables(String[] namespace) {
    List<String> names = new ArrayList<>();
    for (FileStatus status : list(schemaPath(namespace))) {
      String name = status.getPath().getName();
      if (status.isDirectory()
          && isVisible(name)
          && isDirectory(new Path(status.getPath(), "_delta_log"))) {
        names.add(name);
      }
    }
    return names;
  }

  void createSchema(String[] namespace, Map<String, String> metadata) {
    Path path = schemaPath(namespace);
    try {
      FileSystem fs = fileSystem();
      fs.mkdirs(path);
      if (!metadata.isEmpty()) {
        try (OutputStream out =
            fs.create(new Path(path, CatalogProperties.SCHEMA_METADATA_FILE), true)) {
          JSON.writeValue(out, metadata);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create schema " + catalog + "." + schemaName(namespace) + " at " + path, e);
    }
  }

  Map<String, String> schemaMetadata(String[] namespace) {
    Path path = schemaPath(namespace);
    Map<String, String> metadata = new LinkedHashMap<>();
    Path file = new Path(path, CatalogProperties.SCHEMA_METADATA_FILE);
    try {
      FileSystem fs = fileSystem();
      if (fs.exists(file)) {
        try (InputStream in = fs.open(file)) {
          metadata.putAll(JSON.readValue(in, new TypeReference<Map<String, String>>() {}));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read metadata of schema " + schemaName(namespace), e);
    }
    metadata.put("location", path.toString());
    return metadata;
  }

  void delete(Path path) {
    try {
      fileSystem().delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + path, e);
    }
  }

  void rename(Path from, Path to) {
    try {
      if (!fileSystem().rename(from, to)) {
        throw new IOException("rename returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rename " + from + " to " + to, e);
    }
  }

  String schemaName(String[] namespace) {
    ValidationException.check(
        namespace.length == 1,
        "Invalid schema name %s in catalog %s: expected one level (catalog.schema.table)",
        String.join(".", namespace),
        catalog);
    return name(namespace[0], "schema");
  }

  private static String name(String name, String kind) {
    ValidationException.check(
        name.matches(CatalogProperties.NAME_PATTERN),
        "Invalid %s name '%s': use letters, digits and underscores",
        kind,
        name);
    return name.toLowerCase(Locale.ROOT);
  }

  private static boolean isVisible(String name) {
    return !name.startsWith("_") && !name.startsWith(".");
  }

  private boolean isDirectory(Path path) {
    try {
      return fileSystem().getFileStatus(path).isDirectory();
    } catch (java.io.FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  private List<FileStatus> list(Path path) {
    try {
      FileSystem fs = fileSystem();
      return fs.exists(path) ? Arrays.asList(fs.listStatus(path)) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + path, e);
    }
  }

  private FileSystem fileSystem() throws IOException {
    return root.getFileSystem(hadoopConf);
  }
}
