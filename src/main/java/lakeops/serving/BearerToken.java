package lakeops.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bearer token requests must carry, kept only as its SHA-256 digest (so neither a heap dump nor
 * a log line shows it) and compared in constant time.
 */
final class BearerToken {

  private static final String PREFIX = "Bearer ";

  private final byte[] digest;
  private final String source;

  private BearerToken(String token, String source) {
    this.digest = sha256(token);
    this.source = source;
  }

  /** The token in environment variable {@code name}, or null if it is unset or blank. */
  static BearerToken fromEnvironment(String name) {
    String token = System.getenv(name);
    return token == null || token.isBlank() ? null : new BearerToken(token.strip(), "$" + name);
  }

  /** The token in {@code file} (its first line); fails if it cannot be read or is empty. */
  static BearerToken fromFile(Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw ServingErrors.cannotReadToken(file.toString(), e.getClass().getSimpleName());
    }
    if (token.isEmpty()) {
      throw ServingErrors.cannotReadToken(file.toString(), "the file is empty");
    }
    return new BearerToken(token, file.toString());
  }

  static BearerToken of(String token) {
    if (token == null || token.isBlank()) {
      throw ServingErrors.invalidOption("bearer token", "", "a non-empty token");
    }
    return new BearerToken(token.strip(), "the API");
  }

  /** Whether the {@code Authorization} header {@code header} carries this token. */
  boolean accepts(String header) {
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(header.substring(PREFIX.length()).strip()));
  }

  /** Where the token came from ({@code $LAKEOPS_SERVING_TOKEN}, a file), never the token. */
  String source() {
    return source;
  }

  @Override
  public String toString() {
    return "bearer token from " + source;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
