package lakeops.env;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import lakeops.env.Environment.CatalogAccess;
import lakeops.env.Environment.JobClusterSpec;
import lakeops.env.Environment.MlflowSettings;
import lakeops.env.Environment.SparkSettings;
import lakeops.env.Environment.StorageSettings;
import lakeops.exceptions.InvalidConfigException;

/**
 * Reads one {@code environments/<name>.yml}: strict keys, {@code ${VAR}} / {@code ${VAR:-default}}
 * substitution from the process environment, and validation. Every error names the file and key.
 */
final class EnvironmentLoader {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
  private static final Pattern MEMORY = Pattern.compile("[0-9]+[kmgtKMGT]?");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final LakeOpsHome home;
  private final Function<String, String> variables;
  private final YAMLMapper mapper;

  EnvironmentLoader(LakeOpsHome home, Function<String, String> variables) {
    this.home = home;
    this.variables = variables;
    this.mapper = YAMLMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  Environment load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw invalid(file, "file does not exist");
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw invalid(file, "not valid YAML: " + firstLine(e.getMessage()));
    }
    if (tree == null || !tree.isObject()) {
      throw invalid(file, "expected a YAML mapping with keys name, storage, catalogs, mlflow, spark, job_cluster");
    }
    substitute(file, (ObjectNode) tree, "");
    EnvironmentFile parsed = bind(file, tree);
    return validate(file, parsed);
  }

  private EnvironmentFile bind(Path file, JsonNode tree) {
    try {
      return mapper.treeToValue(tree, EnvironmentFile.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw invalid(file, String.format("unknown key '%s' (known here: %s)", keyPath(e), known));
    } catch (JsonMappingException e) {
      throw invalid(file, String.format("bad value for key '%s': %s", keyPath(e),
          firstLine(e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      throw invalid(file, firstLine(e.getOriginalMessage()));
    }
  }

  private Environment validate(Path file, EnvironmentFile raw) {
    String expectedName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    require(file, "name", raw.name() != null && !raw.name().isBlank(), "missing");
    require(file, "name", raw.name().equals(expectedName),
        "'" + raw.name() + "' must match the file name '" + expectedName + "'");
    require(file, "name", NAME.matcher(raw.name()).matches(),
        "'" + raw.name() + "' must be lower case letters, digits and '_' (it is a catalog name)");
    require(file, "storage", raw.storage() != null, "missing");
    require(file, "storage.root", raw.storage().root() != null && !raw.storage().root().isBlank(),
        "missing");
    String root = resolveRoot(file, raw.storage().root());

    CatalogAccess catalogs = raw.catalogs() == null
        ? new CatalogAccess(java.util.List.of(raw.name()), java.util.List.of(raw.name()))
        : raw.catalogs();
    for (String catalog : catalogs.read()) {
      require(file, "catalogs.read", catalog != null && NAME.matcher(catalog).matches(),
          "'" + catalog + "' is not a catalog name");
    }
    for (String catalog : catalogs.write()) {
      require(file, "catalogs.write", catalog != null && NAME.matcher(catalog).matches(),
          "'" + catalog + "' is not a catalog name");
    }

    MlflowSettings mlflow = raw.mlflow() == null
        ? new MlflowSettings(null, "/lakeops/" + raw.name() + "/", raw.name() + ".ml.")
        : raw.mlflow();
    String uri = mlflow.trackingUri();
    require(file, "mlflow.tracking_uri",
        uri == null || uri.isBlank() || uri.startsWith("http://") || uri.startsWith("https://"),
        "'" + uri + "' must be an http(s) URL, or empty for the embedded server");

    SparkSettings spark = raw.spark() == null ? new SparkSettings(null, Map.of()) : raw.spark();
    JobClusterSpec cluster = raw.jobCluster() == null
        ? new JobClusterSpec(1, 1, EnvironmentProperties.WORKER_MEMORY_DEFAULT)
        : raw.jobCluster();
    require(file, "job_cluster.workers", cluster.workers() == null || cluster.workers() >= 1,
        "must be at least 1, got " + cluster.workers());
    require(file, "job_cluster.cores_per_worker",
        cluster.coresPerWorker() == null || cluster.coresPerWorker() >= 1,
        "must be at least 1, got " + cluster.coresPerWorker());
    require(file, "job_cluster.memory_per_worker",
        cluster.memoryPerWorker() == null || MEMORY.matcher(cluster.memoryPerWorker()).matches(),
        "'" + cluster.memoryPerWorker() + "' must be a size such as 512m or 2g");

    return new Environment(raw.name(), file, root, raw.storage(), catalogs, mlflow, spark, cluster);
  }

  private String resolveRoot(Path file, String root) {
    String trimmed = root.strip().replaceAll("/+$", "");
    if (trimmed.startsWith("file:")) {
      return URI.create(trimmed).normalize().toString();
    }
    if (trimmed.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      String scheme = trimmed.substring(0, trimmed.indexOf(':'));
      require(file, "storage.root", scheme.equals("s3a") || scheme.equals("hdfs"),
          "scheme '" + scheme + "' is not supported (use a local path, file:, s3a:// or hdfs://)");
      return trimmed;
    }
    return home.resolve(trimmed).toUri().toString().replaceAll("/+$", "");
  }

  /** Replaces {@code ${VAR}} in every string of the tree, naming the key when a variable is unset. */
  private void substitute(Path file, ObjectNode node, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        substitute(file, (ObjectNode) value, key);
      } else if (value.isTextual()) {
        field.setValue(new TextNode(expand(file, key, value.textValue())));
      } else if (value.isArray()) {
        for (int i = 0; i < value.size(); i++) {
          if (value.get(i).isTextual()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) value)
                .set(i, new TextNode(expand(file, key, value.get(i).textValue())));
          }
        }
      }
    }
  }

  private String expand(Path file, String key, String text) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = variables.apply(matcher.group(1));
      if (value == null) {
        if (matcher.group(2) == null) {
          throw invalid(file, String.format("key '%s' refers to environment variable %s, which is not set",
              key, matcher.group(1)));
        }
        value = matcher.group(3);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String keyPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static void require(Path file, String key, boolean condition, String problem) {
    if (!condition) {
      throw invalid(file, String.format("key '%s' %s", key, problem));
    }
  }

  private static InvalidConfigException invalid(Path file, String problem) {
    return new InvalidConfigException(String.format("Invalid environment file %s: %s", file, problem));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** The file as written, before validation and defaults. */
  record EnvironmentFile(
      String name,
      StorageSettings storage,
      CatalogAccess catalogs,
      MlflowSettings mlflow,
      SparkSettings spark,
      JobClusterSpec jobCluster) {}
}
