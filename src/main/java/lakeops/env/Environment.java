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
   * Settings of an S3-compatible object store reached through hadoop-aws ({@code s3a://}).
   * Credentials come from {@code ${ENV_VAR}} references, never literal values in git. The read-only
   * pair is what other environments that may read this one's root use for its bucket.
   */
  public record S3Settings(
      String endpoint,
      String region,
      String accessKey,
      String secretKey,
      Boolean pathStyleAccess,
      String readOnlyAccessKey,
      String readOnlySecretKey) {}

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
