package lakeops.env;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One deployment environment (dev, staging, prod): its catalog, storage root and settings, as read
 * from {@code environments/<name>.yml} and validated.
 *
 * <p>The environment's catalog carries its name: {@code dev.features.airport_daily} lives under the
 * {@code dev} environment's storage root.
 *
 * @param name the environment and catalog name
 * @param file the file it was read from
 * @param storageRoot the resolved root URI of the catalog's tables ({@code file:/…} or {@code
 *     s3a://…})
 * @param storage the storage settings as written (for S3 credentials)
 * @param catalogs the catalogs this environment may read and write
 * @param mlflow tracking server and naming settings
 * @param spark Spark master and conf overrides
 * @param jobCluster the cluster jobs of this environment run on
 */
public record Environment(
    String name,
    Path file,
    String storageRoot,
    StorageSettings storage,
    CatalogAccess catalogs,
    MlflowSettings mlflow,
    SparkSettings spark,
    JobClusterSpec jobCluster) {

  /**
   * Every catalog this environment's sessions register: the readable ones and the writable ones.
   */
  public Set<String> visibleCatalogs() {
    Set<String> names = new LinkedHashSet<>();
    names.add(name);
    names.addAll(catalogs.read());
    names.addAll(catalogs.write());
    return names;
  }

  public boolean canRead(String catalog) {
    return catalogs.read().contains(catalog) || catalogs.write().contains(catalog);
  }

  public boolean canWrite(String catalog) {
    return catalogs.write().contains(catalog);
  }

  /** Storage settings of an environment file. */
  public record StorageSettings(String root, S3Settings s3) {}

  /**
   * Settings of an S3-compatible object store reached through hadoop-aws ({@code s3a://}). They
   * apply to this environment's bucket ({@code fs.s3a.bucket.<bucket>.*}) in every session that
   * sees it, and are this environment's defaults for other {@code s3a://} paths (landing folders).
   *
   * <p>Credentials never live in the file: key values are {@code ${ENV_VAR}} references, or
   * profiles of an AWS-style credentials file. The read-write pair ({@code access_key}/{@code
   * secret_key} or {@code profile}) is used by the sessions of environments that may write this
   * one's catalog; the read-only pair ({@code read_only_*} or {@code read_only_profile}) by those
   * that may only read it.
   *
   * @param endpoint the server's address; unset for AWS
   * @param region the signing region
   * @param accessKey the read-write access key ({@code ${ENV_VAR}})
   * @param secretKey the read-write secret key ({@code ${ENV_VAR}})
   * @param pathStyleAccess path-style requests (most S3-compatible servers)
   * @param readOnlyAccessKey the read-only access key ({@code ${ENV_VAR}})
   * @param readOnlySecretKey the read-only secret key ({@code ${ENV_VAR}})
   * @param credentialsFile an AWS-style credentials file ({@code [profile]} sections with {@code
   *     aws_access_key_id} and {@code aws_secret_access_key}), absolute once loaded
   * @param profile the read-write profile of {@code credentialsFile}
   * @param readOnlyProfile the read-only profile of {@code credentialsFile}
   * @param logStore how Delta commits to this bucket: {@code single-writer} (the default), {@code
   *     conditional-writes} or {@code dynamodb}
   * @param dynamodb the DynamoDB table of the {@code dynamodb} log store
   * @param options further hadoop-aws settings of the bucket, without the {@code fs.s3a.} prefix
   */
  public record S3Settings(
      String endpoint,
      String region,
      String accessKey,
      String secretKey,
      Boolean pathStyleAccess,
      String readOnlyAccessKey,
      String readOnlySecretKey,
      String credentialsFile,
      String profile,
      String readOnlyProfile,
      String logStore,
      DynamoDbSettings dynamodb,
      java.util.Map<String, String> options) {

    public S3Settings {
      options = options == null ? java.util.Map.of() : java.util.Map.copyOf(options);
    }

    /** Settings with only an endpoint, region, path style and the given key pairs. */
    public S3Settings(
        String endpoint,
        String region,
        String accessKey,
        String secretKey,
        Boolean pathStyleAccess,
        String readOnlyAccessKey,
        String readOnlySecretKey) {
      this(
          endpoint,
          region,
          accessKey,
          secretKey,
          pathStyleAccess,
          readOnlyAccessKey,
          readOnlySecretKey,
          null,
          null,
          null,
          null,
          null,
          null);
    }

    /**
     * The credentials of this bucket for a session that may write it ({@code readWrite}) or only
     * read it; empty when none are configured (hadoop-aws' default chain then applies).
     */
    public java.util.Optional<S3Credentials> credentials(boolean readWrite) {
      String key = readWrite ? accessKey : readOnlyAccessKey;
      String secret = readWrite ? secretKey : readOnlySecretKey;
      if (key != null && !key.isBlank()) {
        return java.util.Optional.of(new S3Credentials(key, secret == null ? "" : secret));
      }
      String name = readWrite ? profile : readOnlyProfile;
      if (name == null || name.isBlank() || credentialsFile == null || credentialsFile.isBlank()) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(S3Credentials.fromFile(Path.of(credentialsFile), name));
    }

    /**
     * The log store of this bucket, {@value EnvironmentProperties#S3_LOG_STORE_DEFAULT} if unset.
     */
    public String logStoreOrDefault() {
      return logStore == null || logStore.isBlank()
          ? EnvironmentProperties.S3_LOG_STORE_DEFAULT
          : logStore;
    }

    @Override
    public String toString() {
      return "S3Settings[endpoint="
          + endpoint
          + ", region="
          + region
          + ", credentials masked, logStore="
          + logStoreOrDefault()
          + "]";
    }
  }

  /**
   * The DynamoDB table of Delta's DynamoDB-backed log store ({@code S3DynamoDBLogStore}), which
   * makes concurrent commits from several clusters safe.
   *
   * @param table the table name
   * @param region its region
   */
  public record DynamoDbSettings(String table, String region) {}

  /** Names of the catalogs an environment may read and write. */
  public record CatalogAccess(List<String> read, List<String> write) {
    public CatalogAccess {
      read = read == null ? List.of() : List.copyOf(read);
      write = write == null ? List.of() : List.copyOf(write);
    }
  }

  /**
   * MLflow settings. An empty tracking URI means the project's embedded server ({@code
   * scripts/mlflow-server}), started on demand.
   */
  public record MlflowSettings(String trackingUri, String experimentPrefix, String modelPrefix) {
    public boolean usesEmbeddedServer() {
      return trackingUri == null || trackingUri.isBlank();
    }
  }

  /** Spark master (used only when spark-submit does not set one) and conf overrides. */
  public record SparkSettings(String master, java.util.Map<String, String> conf) {
    public SparkSettings {
      conf = conf == null ? java.util.Map.of() : java.util.Map.copyOf(conf);
    }
  }

  /** The cluster an environment's jobs run on: Spark standalone workers on this machine. */
  public record JobClusterSpec(Integer workers, Integer coresPerWorker, String memoryPerWorker) {}
}
