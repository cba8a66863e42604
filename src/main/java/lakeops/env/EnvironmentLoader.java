package lakeops.env;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.config.MaskedYaml;
import lakeops.config.YamlConfig;
import lakeops.env.Environment.CatalogAccess;
import lakeops.env.Environment.JobClusterSpec;
import lakeops.env.Environment.MlflowSettings;
import lakeops.env.Environment.S3Settings;
import lakeops.env.Environment.SparkSettings;
import lakeops.env.Environment.StorageSettings;

/**
 * Reads one {@code environments/<name>.yml}: strict keys, {@code ${VAR}} / {@code ${VAR:-default}}
 * substitution from the process environment, and validation. Every error names the file and key.
 */
final class EnvironmentLoader {

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
  private static final Pattern MEMORY = Pattern.compile("[0-9]+[kmgtKMGT]?");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final LakeOpsHome home;
  private final Function<String, String> variables;

  EnvironmentLoader(LakeOpsHome home, Function<String, String> variables) {
    this.home = home;
    this.variables = variables;
  }

  Environment load(Path file) {
    YamlConfig config = YamlConfig.of(file, "environment");
    JsonNode tree = config.readMapping("name, storage, catalogs, mlflow, spark, job_cluster");
    substitute(config, (ObjectNode) tree, "");
    return validate(config, config.bind(tree, EnvironmentFile.class));
  }

  private Environment validate(YamlConfig config, EnvironmentFile raw) {
    Path file = config.file();
    String expectedName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    config.require("name", raw.name() != null && !raw.name().isBlank(), "missing");
    config.require(
        "name",
        raw.name().equals(expectedName),
        "'" + raw.name() + "' must match the file name '" + expectedName + "'");
    config.require(
        "name",
        NAME.matcher(raw.name()).matches(),
        "'" + raw.name() + "' must be lower case letters, digits and '_' (it is a catalog name)");
    config.require("storage", raw.storage() != null, "missing");
    config.require(
        "storage.root", raw.storage().root() != null && !raw.storage().root().isBlank(), "missing");
    String root = resolveRoot(config, raw.storage().root());
    StorageSettings storage =
        new StorageSettings(
            raw.storage().root(), validateS3(config, raw.storage().s3(), root.startsWith("s3a:")));

    CatalogAccess catalogs =
        raw.catalogs() == null
            ? new CatalogAccess(java.util.List.of(raw.name()), java.util.List.of(raw.name()))
            : raw.catalogs();
    for (String catalog : catalogs.read()) {
      config.require(
          "catalogs.read",
          catalog != null && NAME.matcher(catalog).matches(),
          "'" + catalog + "' is not a catalog name");
    }
    for (String catalog : catalogs.write()) {
      config.require(
          "catalogs.write",
          catalog != null && NAME.matcher(catalog).matches(),
          "'" + catalog + "' is not a catalog name");
    }

    MlflowSettings mlflow =
        raw.mlflow() == null
            ? new MlflowSettings(null, "/lakeops/" + raw.name() + "/", raw.name() + ".ml.")
            : raw.mlflow();
    String uri = mlflow.trackingUri();
    config.require(
        "mlflow.tracking_uri",
        uri == null || uri.isBlank() || uri.startsWith("http://") || uri.startsWith("https://"),
        "'" + uri + "' must be an http(s) URL, or empty for the embedded server");

    SparkSettings spark = raw.spark() == null ? new SparkSettings(null, Map.of()) : raw.spark();
    JobClusterSpec cluster =
        raw.jobCluster() == null
            ? new JobClusterSpec(1, 1, EnvironmentProperties.WORKER_MEMORY_DEFAULT)
            : raw.jobCluster();
    config.require(
        "job_cluster.workers",
        cluster.workers() == null || cluster.workers() >= 1,
        "must be at least 1, got " + cluster.workers());
    config.require(
        "job_cluster.cores_per_worker",
        cluster.coresPerWorker() == null || cluster.coresPerWorker() >= 1,
        "must be at least 1, got " + cluster.coresPerWorker());
    config.require(
        "job_cluster.memory_per_worker",
        cluster.memoryPerWorker() == null || MEMORY.matcher(cluster.memoryPerWorker()).matches(),
        "'" + cluster.memoryPerWorker() + "' must be a size such as 512m or 2g");

    return new Environment(raw.name(), file, root, storage, catalogs, mlflow, spark, cluster);
  }

  /** Checks the S3 settings; the credentials file becomes an absolute path. */
  private S3Settings validateS3(YamlConfig config, S3Settings s3, boolean s3Root) {
    if (s3 == null) {
      return null;
    }
    config.require(
        "storage.s3.log_store",
        s3.logStore() == null || EnvironmentProperties.S3_LOG_STORES.contains(s3.logStore()),
        "'" + s3.logStore() + "' must be one of " + EnvironmentProperties.S3_LOG_STORES);
    config.require(
        "storage.s3.dynamodb.table",
        !EnvironmentProperties.S3_LOG_STORE_DYNAMODB.equals(s3.logStore())
            || s3.dynamodb() != null
                && s3.dynamodb().table() != null
                && !s3.dynamodb().table().isBlank(),
        "is missing (log_store: dynamodb needs a table)");
    boolean profiles = isSet(s3.profile()) || isSet(s3.readOnlyProfile());
    config.require(
        "storage.s3.credentials_file",
        !s3Root || !profiles || isSet(s3.credentialsFile()),
        "is missing (profile and read_only_profile name sections of it)");
    for (String option : s3.options().keySet()) {
      config.require(
          "storage.s3.options",
          !MaskedYaml.isSecret(option)
              && !option.contains("credentials")
              && !option.startsWith("bucket.")
              && !option.startsWith("fs."),
          "'"
              + option
              + "' is not allowed here (credentials come from access_key/secret_key or"
              + " profiles; options are fs.s3a.* settings of this bucket without the prefix)");
    }
    String credentialsFile = s3.credentialsFile();
    if (isSet(credentialsFile)) {
      String expanded =
          credentialsFile.startsWith("~/")
              ? System.getProperty("user.home") + credentialsFile.substring(1)
              : credentialsFile;
      credentialsFile = home.resolve(expanded).toString();
    }
    return new S3Settings(
        s3.endpoint(),
        s3.region(),
        s3.accessKey(),
        s3.secretKey(),
        s3.pathStyleAccess(),
        s3.readOnlyAccessKey(),
        s3.readOnlySecretKey(),
        credentialsFile,
        s3.profile(),
        s3.readOnlyProfile(),
        s3.logStore(),
        s3.dynamodb(),
        s3.options());
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  private String resolveRoot(YamlConfig config, String root) {
    String trimmed = root.strip().replaceAll("/+$", "");
    if (trimmed.startsWith("file:")) {
      return URI.create(trimmed).normalize().toString();
    }
    if (trimmed.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      String scheme = trimmed.substring(0, trimmed.indexOf(':'));
      config.require(
          "storage.root",
          scheme.equals("s3a") || scheme.equals("hdfs"),
          "scheme '" + scheme + "' is not supported (use a local path, file:, s3a:// or hdfs://)");
      return trimmed;
    }
    return home.resolve(trimmed).toUri().toString().replaceAll("/+$", "");
  }

  /**
   * Replaces {@code ${VAR}} in every string of the tree, naming the key when a variable is unset.
   */
  private void substitute(YamlConfig config, ObjectNode node, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        substitute(config, (ObjectNode) value, key);
      } else if (value.isTextual()) {
        requireReference(config, key, value.textValue());
        field.setValue(new TextNode(expand(config, key, value.textValue())));
      } else if (value.isArray()) {
        for (int i = 0; i < value.size(); i++) {
          if (value.get(i).isTextual()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) value)
                .set(i, new TextNode(expand(config, key, value.get(i).textValue())));
          }
        }
      }
    }
  }

  /** Secrets are never written in the file: their values must be one {@code ${VAR}}. */
  private static void requireReference(YamlConfig config, String key, String text) {
    if (EnvironmentProperties.S3_SECRET_KEYS.contains(key) && !text.isBlank()) {
      config.require(
          key,
          VARIABLE.matcher(text.strip()).matches(),
          "must be an environment variable reference such as ${MY_S3_SECRET} (credentials never"
              + " live in the file; a credentials file and profile also work)");
    }
  }

  private String expand(YamlConfig config, String key, String text) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = variables.apply(matcher.group(1));
      if (value == null) {
        if (matcher.group(2) == null) {
          throw config.invalid(
              String.format(
                  "key '%s' refers to environment variable %s, which is not set",
                  key, matcher.group(1)));
        }
        value = matcher.group(3);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
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
