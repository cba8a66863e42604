package lakeops.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lakeops.exceptions.InvalidConfigException;

/**
 * An access key and its secret for an S3 bucket. Its text form never shows the secret (nor the
 * key), so it can appear in logs and errors.
 *
 * @param accessKey the access key id
 * @param secretKey the secret access key
 */
public record S3Credentials(String accessKey, String secretKey) {

  /**
   * The credentials of {@code profile} in an AWS-style credentials file ({@code [profile]}
   * sections, {@code aws_access_key_id = …}, {@code aws_secret_access_key = …}). Errors name the
   * file and profile, never a value.
   */
  public static S3Credentials fromFile(Path file, String profile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidConfigException(
          String.format(
              "Cannot read S3 credentials file %s: %s", file, e.getClass().getSimpleName()));
    }
    String section = null;
    String key = null;
    String secret = null;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1).strip().replaceFirst("^profile\\s+", "");
        continue;
      }
      int equals = line.indexOf('=');
      if (profile.equals(section) && equals > 0) {
        String name = line.substring(0, equals).strip();
        String value = line.substring(equals + 1).strip();
        if (name.equals("aws_access_key_id")) {
          key = value;
        } else if (name.equals("aws_secret_access_key")) {
          secret = value;
        }
      }
    }
    if (key == null || key.isEmpty() || secret == null || secret.isEmpty()) {
      throw new InvalidConfigException(
          String.format(
              "Cannot read S3 credentials file %s: profile '%s' has no aws_access_key_id and"
                  + " aws_secret_access_key",
              file, profile));
    }
    return new S3Credentials(key, secret);
  }

  @Override
  public String toString() {
    return "S3Credentials[masked]";
  }
}
