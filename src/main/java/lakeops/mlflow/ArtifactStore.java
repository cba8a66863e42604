package lakeops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The server's proxied artifact store ({@code mlflow-artifacts:/…} URIs) over HTTP: uploads with
 * {@code PUT /api/2.0/mlflow-artifacts/artifacts/<path>}, lists and downloads with {@code GET}. No
 * Python runs on the JVM side. {@code runs:/<run_id>/<path>} URIs are resolved through the run.
 */
final class ArtifactStore {

  private final MlflowRest rest;

  ArtifactStore(MlflowRest rest) {
    this.rest = rest;
  }

  /**
   * Uploads every file under {@code localDir} to {@code artifactUri} (a folder URI), keeping paths.
   */
  public void uploadDirectory(Path localDir, String artifactUri) {
    String base = storePath(artifactUri);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(localDir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw MlflowErrors.cannot("list model folder " + localDir, e);
    }
    for (Path file : files) {
      String relative = localDir.relativize(file).toString().replace('\\', '/');
      // Hadoop writes .crc side files next to Spark ML's data: no reader needs them.
      if (file.getFileName().toString().endsWith(".crc")) {
        continue;
      }
      rest.putArtifact(join(base, relative), file);
    }
  }

  /** Downloads the folder (or file) at {@code artifactUri} into {@code target}. */
  public void download(String artifactUri, Path target) {
    String base = storePath(artifactUri);
    try {
      Files.createDirectories(target);
      downloadInto(base, target);
    } catch (IOException e) {
      throw MlflowErrors.cannot("write " + target, e);
    }
  }

  private void downloadInto(String path, Path target) throws IOException {
    JsonNode listing = rest.listArtifacts(path);
    if (!listing.has("files") || listing.path("files").isEmpty()) {
      // A file, or an empty / missing folder: a file downloads, a folder fails the check below.
      byte[] content = rest.getArtifact(path);
      Files.write(target.resolve(path.substring(path.lastIndexOf('/') + 1)), content);
      return;
    }
    for (JsonNode file : listing.path("files")) {
      String child = file.path("path").asText();
      String name = child.substring(child.lastIndexOf('/') + 1);
      String childPath = child.startsWith(path + "/") ? child : join(path, name);
      if (file.path("is_dir").asBoolean()) {
        Path dir = Files.createDirectories(target.resolve(name));
        downloadInto(childPath, dir);
      } else {
        Files.write(target.resolve(name), rest.getArtifact(childPath));
      }
    }
  }

  /**
   * The store path of an artifact URI: {@code mlflow-artifacts:/1/abc/artifacts/model} → {@code
   * 1/abc/artifacts/model}.
   */
  String storePath(String artifactUri) {
    String uri = artifactUri;
    if (uri.startsWith("runs:/")) {
      String rest0 = uri.substring("runs:/".length());
      int slash = rest0.indexOf('/');
      String runId = slash < 0 ? rest0 : rest0.substring(0, slash);
      String sub = slash < 0 ? "" : rest0.substring(slash + 1);
      String runRoot =
          rest.get("runs/get", Map.of("run_id", runId))
              .path("run")
              .path("info")
              .path("artifact_uri")
              .asText();
      uri = sub.isEmpty() ? runRoot : join(runRoot, sub);
    }
    if (!uri.startsWith(MlflowProperties.ARTIFACTS_SCHEME)) {
      throw MlflowErrors.notProxied(uri);
    }
    String path = uri.substring(MlflowProperties.ARTIFACTS_SCHEME.length());
    if (path.startsWith("//")) {
      int slash = path.indexOf('/', 2);
      path = slash < 0 ? "" : path.substring(slash);
    }
    path = path.replaceAll("^/+", "").replaceAll("/+$", "");
    if (path.isEmpty()) {
      throw MlflowErrors.noArtifactPath(artifactUri);
    }
    return path;
  }

  private static String join(String base, String relative) {
    return relative.isEmpty() ? base : base + "/" + relative;
  }
}
