package lakeops.quickstart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import lakeops.env.LakeOpsHome;
import lakeops.sample.SampleProperties;

/**
 * What an environment's stage runs from: its command line (code on the classpath, arguments), the
 * variables it gets, the project's {@code conf/} and {@code environments/}, the real flights'
 * landing files and the stage before it. A stage that passed with the same fingerprint has nothing
 * to redo.
 */
final class StageFingerprint {

  private static final String LAKEOPS_VARIABLES = "LAKEOPS_";

  private final MessageDigest digest;

  private StageFingerprint() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The fingerprint of {@code environment}'s stage run as {@code command}, after {@code before}.
   */
  static String of(
      LakeOpsHome home,
      String environment,
      List<String> command,
      Map<String, String> variables,
      String before) {
    StageFingerprint fingerprint = new StageFingerprint();
    fingerprint.add("environment", environment).add("before", before);
    command.forEach(argument -> fingerprint.add("argument", argument));
    Map<String, String> all = new TreeMap<>();
    System.getenv().entrySet().stream()
        .filter(e -> e.getKey().startsWith(LAKEOPS_VARIABLES))
        .forEach(e -> all.put(e.getKey(), e.getValue()));
    all.putAll(variables);
    all.forEach((key, value) -> fingerprint.add(key, value));
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      fingerprint.files(Path.of(entry), false);
    }
    fingerprint.files(home.confDir(), true);
    fingerprint.files(home.environmentsDir(), true);
    fingerprint.files(home.lakehouseDir().resolve(SampleProperties.FLIGHTS_LANDING), false);
    return HexFormat.of().formatHex(fingerprint.digest.digest());
  }

  private StageFingerprint add(String key, String value) {
    digest.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Every file under {@code root}: its content, or its size and modification time. */
  private void files(Path root, boolean content) {
    if (!Files.exists(root)) {
      add("missing", root.toString());
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        add("file", file.toString());
        if (content) {
          digest.update(Files.readAllBytes(file));
        } else {
          add(Long.toString(Files.size(file)), Files.getLastModifiedTime(file).toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + root, e);
    }
  }
}
