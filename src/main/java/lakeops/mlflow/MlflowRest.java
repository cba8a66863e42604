package lakeops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of an MLflow server's REST API (tracking, registry, proxied artifacts) on {@code
 * java.net.http} and Jackson. Unlike the Java {@code mlflow-client}, it never retries a 4xx answer
 * (so {@code RESOURCE_ALREADY_EXISTS} comes back at once) and it retries an unreachable, slow or
 * overloaded server (connection errors, timeouts, 429, 5xx) with exponential backoff for the {@link
 * RetryPolicy}'s budget. A bearer token, if any, is sent but never logged.
 */
public final class MlflowRest {

  private static final Logger LOG = LoggerFactory.getLogger(MlflowRest.class);
  static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUri;
  private final String token;
  private final RetryPolicy retry;
  private final HttpClient http;

  private MlflowRest(String baseUri, String token, RetryPolicy retry) {
    this.baseUri = baseUri.replaceAll("/+$", "");
    this.token = token;
    this.retry = retry;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * A client of {@code trackingUri}: token from {@value MlflowProperties#TOKEN_ENV}, default
   * retries.
   */
  public static MlflowRest of(String trackingUri) {
    return of(trackingUri, RetryPolicy.fromEnvironment());
  }

  /** This client's retry policy. */
  RetryPolicy retryPolicy() {
    return retry;
  }

  /**
   * This client without retries: one attempt per call, for a write that is not safe to send twice
   * and whose caller checks, before trying again, whether the first attempt landed.
   */
  MlflowRest once() {
    return new MlflowRest(
        baseUri, token, new RetryPolicy(Duration.ZERO, retry.initialBackoff(), retry.maxBackoff()));
  }

  /** A client of {@code trackingUri} retrying by {@code retry}. */
  public static MlflowRest of(String trackingUri, RetryPolicy retry) {
    String token = System.getenv(MlflowProperties.TOKEN_ENV);
    return new MlflowRest(trackingUri, token == null || token.isBlank() ? null : token, retry);
  }

  /** The server's address, without a trailing slash. */
  public String trackingUri() {
    return baseUri;
  }

  /** A new empty JSON object for a request body. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** {@code POST /api/2.0/mlflow/<endpoint>} with a JSON body; returns the JSON answer. */
  public JsonNode post(String endpoint, JsonNode body) {
    return json(
        send(
            "POST " + endpoint,
            () ->
                request(MlflowProperties.API_PREFIX + endpoint)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
  }

  /** {@code PATCH /api/2.0/mlflow/<endpoint>} with a JSON body. */
  public JsonNode patch(String endpoint, JsonNode body) {
    return json(
        send(
            "PATCH " + endpoint,
            () ->
                request(MlflowProperties.API_PREFIX + endpoint)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString()))));
  }

  /**
   * {@code DELETE /api/2.0/mlflow/<endpoint>} with a JSON body (the server reads DELETE bodies).
   */
  public JsonNode delete(String endpoint, JsonNode body) {
    return json(
        send(
            "DELETE " + endpoint,
            () ->
                request(MlflowProperties.API_PREFIX + endpoint)
                    .header("Content-Type", "application/json")
                    .method("DELETE", HttpRequest.BodyPublishers.ofString(body.toString()))));
  }

  /** {@code GET /api/2.0/mlflow/<endpoint>?query}; returns the JSON answer. */
  public JsonNode get(String endpoint, Map<String, String> query) {
    return json(
        send(
            "GET " + endpoint,
            () -> request(MlflowProperties.API_PREFIX + endpoint + query(query)).GET()));
  }

  /** Uploads {@code file} to the proxied artifact store at {@code path} (no leading slash). */
  public void putArtifact(String path, Path file) {
    send(
        "upload artifact " + path,
        () -> {
          try {
            return request(MlflowProperties.ARTIFACTS_PREFIX + "/" + encodePath(path))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(file));
          } catch (java.io.FileNotFoundException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /**
   * Lists the proxied artifact folder {@code path}: its {@code files} (path, is_dir, file_size).
   */
  public JsonNode listArtifacts(String path) {
    return json(
        send(
            "list artifacts " + path,
            () -> request(MlflowProperties.ARTIFACTS_PREFIX + query(Map.of("path", path))).GET()));
  }

  /** Downloads the proxied artifact {@code path}. */
  public byte[] getArtifact(String path) {
    return send(
            "download artifact " + path,
            () -> request(MlflowProperties.ARTIFACTS_PREFIX + "/" + encodePath(path)).GET())
        .body();
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUri + pathAndQuery))
            .timeout(MlflowProperties.REQUEST_TIMEOUT);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  /** Sends until an answer that is not worth retrying, or the budget is spent. */
  private HttpResponse<byte[]> send(String what, RequestFactory factory) {
    long deadline = System.nanoTime() + retry.budget().toNanos();
    int attempt = 0;
    while (true) {
      String failure;
      Throwable cause = null;
      int status = 0;
      String errorCode = null;
      try {
        HttpResponse<byte[]> response =
            http.send(factory.build().build(), HttpResponse.BodyHandlers.ofByteArray());
        status = response.statusCode();
        if (status < 300) {
          return response;
        }
        String body = new String(response.body(), StandardCharsets.UTF_8);
        errorCode = errorCode(body);
        failure = "HTTP " + status + " " + abbreviate(body);
        if (status != 429 && status < 500) {
          throw MlflowErrors.refused(what, baseUri, failure, status, errorCode);
        }
      } catch (IOException e) {
        failure =
            e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw MlflowErrors.interrupted(what, baseUri, e);
      }
      attempt++;
      Duration wait = retry.backoff(attempt);
      if (System.nanoTime() + wait.toNanos() > deadline) {
        throw MlflowErrors.unreachable(
            what,
            baseUri,
            failure,
            attempt,
            retry.budget(),
            status == 0 || status == 429 || status >= 500 ? 0 : status,
            errorCode,
            cause);
      }
      LOG.warn(
          "MLflow server {} failed {} ({}); retry {} in {} ms",
          baseUri,
          what,
          failure,
          attempt,
          wait.toMillis());
      sleep(wait, what);
    }
  }

  private void sleep(Duration wait, String what) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MlflowErrors.interrupted(what, baseUri, e);
    }
  }

  private static JsonNode json(HttpResponse<byte[]> response) {
    try {
      byte[] body = response.body();
      return body.length == 0 ? object() : JSON.readTree(body);
    } catch (IOException e) {
      throw MlflowErrors.notJson(response.uri().toString(), response.statusCode(), e);
    }
  }

  private static String errorCode(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.has("error_code") ? node.get("error_code").asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String abbreviate(String body) {
    String line = body.replaceAll("\\s+", " ").strip();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static String query(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    return "?"
        + query.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encodePath(String path) {
    return java.util.Arrays.stream(path.split("/"))
        .map(MlflowRest::encode)
        .collect(Collectors.joining("/"));
  }

  @FunctionalInterface
  private interface RequestFactory {
    HttpRequest.Builder build() throws IOException;
  }
}
