package lakeops.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import lakeops.env.LakeOpsHome;
import lakeops.mlflow.RunRecord;

/**
 * A trained model kept on local disk, so nothing is lost when the tracking server is down: the
 * MLflow model ({@code model/}), the run's other artifacts ({@code artifacts/}) and {@value
 * TrainingProperties#BUNDLE_FILE} with the run record and, once logged, where it was published.
 * Lives under {@code .lakehouse/_models/<env>/<model>/<time>/}; {@code lakeops models relog DIR}
 * logs it again.
 */
public final class ModelBundle {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

  private final Path dir;

  private ModelBundle(Path dir) {
    this.dir = dir;
  }

  /**
   * What a bundle records.
   *
   * @param environment environment that trained it
   * @param registeredModel registered model name ({@code dev.ml.flight_delay})
   * @param description registered model description
   * @param tableVersions feature (and label) table → Delta version trained on
   * @param run the run to log
   * @param published where it was logged, null until it was
   */
  public record Manifest(
      String environment,
      String registeredModel,
      String description,
      Map<String, Long> tableVersions,
      RunRecord run,
      Published published) {

    /** This manifest, published as {@code published}. */
    public Manifest withPublished(Published published) {
      return new Manifest(environment, registeredModel, description, tableVersions, run, published);
    }
  }

  /**
   * Where a bundle was logged and registered.
   *
   * @param trackingUri tracking server
   * @param experimentId experiment
   * @param runId run
   * @param version registered version
   * @param alias alias set on it (champion or challenger)
   */
  public record Published(
      String trackingUri, String experimentId, String runId, int version, String alias) {}

  /** A new, empty bundle for {@code registeredModel} trained in {@code environment}. */
  public static ModelBundle create(LakeOpsHome home, String environment, String registeredModel) {
    Path dir =
        home.lakehouseDir()
            .resolve(TrainingProperties.BUNDLES_DIR)
            .resolve(environment)
            .resolve(registeredModel)
            .resolve(STAMP.format(LocalDateTime.now(ZoneOffset.UTC)));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw TrainingErrors.cannotWrite("model folder " + dir, e);
    }
    return new ModelBundle(dir);
  }

  /**
   * The bundle at {@code dir}; fails unless it holds {@value TrainingProperties#BUNDLE_FILE} and a
   * model.
   */
  public static ModelBundle open(Path dir) {
    if (!Files.isRegularFile(dir.resolve(TrainingProperties.BUNDLE_FILE))
        || !Files.isRegularFile(dir.resolve("model").resolve("MLmodel"))) {
      throw TrainingErrors.notABundle(dir);
    }
    return new ModelBundle(dir);
  }

  /** The bundle's folder. */
  public Path dir() {
    return dir;
  }

  /** The MLflow model directory. */
  public Path modelDir() {
    return dir.resolve("model");
  }

  /** Other artifacts of the run (tuning results, the model config). */
  public Path artifactsDir() {
    return dir.resolve("artifacts");
  }

  /** What the bundle records. */
  public Manifest manifest() {
    try {
      return JSON.readValue(dir.resolve(TrainingProperties.BUNDLE_FILE).toFile(), Manifest.class);
    } catch (IOException e) {
      throw TrainingErrors.cannotRead(dir.resolve(TrainingProperties.BUNDLE_FILE), e);
    }
  }

  /** Records {@code manifest}, replacing what the bundle recorded. */
  public void write(Manifest manifest) {
    try {
      JSON.writeValue(dir.resolve(TrainingProperties.BUNDLE_FILE).toFile(), manifest);
    } catch (IOException e) {
      throw TrainingErrors.cannotWrite(dir.resolve(TrainingProperties.BUNDLE_FILE).toString(), e);
    }
  }
}
