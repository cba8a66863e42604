package lakeops.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import lakeops.env.LakeOpsHome;

/** The part an environment plays in the whole-architecture run, and the files of that run. */
enum QuickstartStage {
  DEVELOPMENT,
  STAGING,
  PRODUCTION;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static QuickstartStage of(String environment) {
    return switch (environment) {
      case "prod" -> PRODUCTION;
      case "staging" -> STAGING;
      default -> DEVELOPMENT;
    };
  }

  /** The environments in the order code moves through them: dev-like ones, staging, prod. */
  static List<String> order(Collection<String> environments) {
    return environments.stream()
        .sorted(Comparator.comparing(QuickstartStage::of).thenComparing(Comparator.naturalOrder()))
        .toList();
  }

  static Path workDir(LakeOpsHome home) {
    return home.lakehouseDir().resolve(QuickstartProperties.WORK_DIR);
  }

  static Path summaryFile(LakeOpsHome home, String environment) {
    return workDir(home).resolve(environment + ".summary.properties");
  }

  /** The HTML monitoring report an environment's stage writes. */
  static Path reportFile(LakeOpsHome home, String environment) {
    return workDir(home).resolve(environment + "-monitor-report.html");
  }

  static void writeSummary(LakeOpsHome home, String environment, Properties summary) {
    Path file = summaryFile(home, environment);
    try {
      Files.createDirectories(file.getParent());
      try (Writer writer = Files.newBufferedWriter(file)) {
        summary.store(writer, "quickstart summary of " + environment);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the quickstart summary " + file, e);
    }
  }

  /**
   * A landing folder of {@code environment}'s own holding links to the shared sample's files, so
   * the later flights prod lands there stay out of the other environments' pipelines.
   */
  static Path ownLanding(LakeOpsHome home, String environment, Path shared) {
    Path own = home.lakehouseDir().resolve("landing").resolve(environment + "-flights");
    try (Stream<Path> files = Files.list(shared)) {
      Files.createDirectories(own);
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path link = own.resolve(file.getFileName());
        if (!Files.exists(link)) {
          try {
            Files.createLink(link, file);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, link);
          }
        }
      }
      return own;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the landing folder " + own, e);
    }
  }

  /**
   * The model of {@code modelFile} with at most {@value QuickstartProperties#QUICK_MAX_ITER}
   * iterations per stage, no tuning grid and, over {@value
   * QuickstartProperties#QUICK_TRAINING_ROWS} label rows, a seeded hash sample of about that many
   * (a {@code labels.where} on the timestamp and lookup keys), written beside the summaries in a
   * folder of {@code environment}'s: the quickstart's quicker config (the real one stays in
   * conf/models).
   */
  static Path quickModel(LakeOpsHome home, String environment, Path modelFile, long labelRows) {
    if (!Files.isRegularFile(modelFile)) {
      return modelFile;
    }
    // One per environment: stages run side by side.
    Path quick = workDir(home).resolve(environment).resolve(modelFile.getFileName());
    try {
      ObjectNode spec = (ObjectNode) YAML.readTree(modelFile.toFile());
      spec.remove("tuning");
      for (JsonNode stage : spec.path("pipeline")) {
        JsonNode params = stage.path("params");
        if (params instanceof ObjectNode p && p.path("max_iter").asInt(0) > 0) {
          p.put(
              "max_iter",
              Math.min(p.path("max_iter").asInt(), QuickstartProperties.QUICK_MAX_ITER));
        }
      }
      long every = -Math.floorDiv(-labelRows, QuickstartProperties.QUICK_TRAINING_ROWS);
      if (every > 1 && spec.path("labels") instanceof ObjectNode labels) {
        labels.put("where", sampleFilter(labels, every));
      }
      Files.createDirectories(quick.getParent());
      YAML.writeValue(quick.toFile(), spec);
      return quick;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the quickstart's model config " + quick, e);
    }
  }

  /** One label row in {@code every}, by a hash of its timestamp and lookup keys. */
  private static String sampleFilter(ObjectNode labels, long every) {
    List<String> hashed = new ArrayList<>();
    hashed.add(labels.path("timestamp").asText());
    labels.path("columns").forEach(column -> hashed.add(column.asText()));
    String filter =
        String.format(
            "pmod(xxhash64(%s), %d) = 0",
            String.join(", ", hashed.stream().map(c -> "`" + c + "`").toList()), every);
    String where = labels.path("where").asText("");
    return where.isBlank() ? filter : "(" + where + ") AND " + filter;
  }
}
