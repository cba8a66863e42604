package lakeops.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import lakeops.exceptions.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server answers, without HTTP plumbing: {@code POST /invocations} (MLflow's scoring
 * protocol: rows in, {@code {"predictions": [...]}} out), {@code GET /ping}, {@code /health} and
 * {@code /version}. Every answer is complete when {@link #answer} returns, the scored rows already
 * queued for the inference log; errors are MLflow's {@code {"error_code": ..., "message": ...}}.
 */
final class Endpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";
  private static final int REQUEST_ID_MAX = 128;

  /** One HTTP answer. */
  record Answer(int status, String contentType, byte[] body, String requestId) {}

  /** What a request brings: its method, path without query, headers that matter, and body. */
  record Request(
      String method,
      String path,
      String authorization,
      String contentType,
      String requestId,
      InputStream body,
      int length) {}

  private final AtomicReference<ServedModel> live;
  private final ReloadStatus reloads;
  private final BearerToken token;
  private final InferenceLog log;

  /** Answers with the model in {@code live}; {@code token} and {@code log} may be null (none). */
  Endpoints(
      AtomicReference<ServedModel> live,
      ReloadStatus reloads,
      BearerToken token,
      InferenceLog log) {
    this.live = live;
    this.reloads = reloads;
    this.token = token;
    this.log = log;
  }

  /** Whether {@code request} would be scored through Spark (so it belongs off the I/O thread). */
  boolean needsSpark(Request request) {
    return request.path().equals("/invocations") && !live.get().isLocal();
  }

  Answer answer(Request request, long arrivedNanos, long arrivedMillis) {
    String requestId = requestId(request.requestId());
    try {
      if (token != null && !token.accepts(request.authorization())) {
        throw ServingErrors.unauthenticated();
      }
      return switch (request.path()) {
        case "/invocations" -> {
          allow(request, "POST");
          yield invocations(request, requestId, arrivedNanos, arrivedMillis);
        }
        case "/ping" -> {
          allow(request, "GET");
          yield new Answer(200, "text/plain", "\n".getBytes(StandardCharsets.UTF_8), requestId);
        }
        case "/health" -> {
          allow(request, "GET");
          yield json(200, health(), requestId);
        }
        case "/version" -> {
          allow(request, "GET");
          yield json(200, version(), requestId);
        }
        default -> throw ServingErrors.notFound(request.method(), request.path());
      };
    } catch (RequestException e) {
      return error(e.status(), e.errorCode(), e.getMessage(), requestId);
    } catch (ValidationException e) {
      return error(400, ServingErrors.BAD_REQUEST, e.getMessage(), requestId);
    } catch (RuntimeException e) {
      LOG.error("Request {} to {} failed", requestId, request.path(), e);
      return error(
          500,
          "INTERNAL_ERROR",
          "Cannot answer "
              + request.path()
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          requestId);
    }
  }

  /** The answer to a body over the size limit (the HTTP layer stops reading it). */
  Answer tooLarge(long length, int max) {
    RequestException e = ServingErrors.tooLarge(length, max);
    return error(e.status(), e.errorCode(), e.getMessage(), requestId(null));
  }

  /** The answer to a request the HTTP layer cannot decode. */
  Answer malformed(String problem) {
    return error(400, ServingErrors.BAD_REQUEST, "Invalid request: " + problem, requestId(null));
  }

  private Answer invocations(
      Request request, String requestId, long arrivedNanos, long arrivedMillis) {
    ServedModel model = live.get(); // the request finishes on this version, whatever is swapped in
    List<Object[]> rows =
        model.parser().parse(request.contentType(), request.body(), request.length());
    ServedModel.Scored scored = model.score(rows);
    byte[] body = predictions(scored.predictions());
    if (log != null) {
      double latencyMs = (System.nanoTime() - arrivedNanos) / 1e6;
      log.append(model, requestId, arrivedMillis, latencyMs, rows, scored);
    }
    return new Answer(200, JSON_TYPE, body, requestId);
  }

  private ObjectNode health() {
    ServedModel model = live.get();
    ObjectNode node = JSON.createObjectNode().put("status", "ok");
    node.put("model_name", model.name()).put("model_version", Integer.toString(model.version()));
    return node;
  }

  private ObjectNode version() {
    ServedModel model = live.get();
    ObjectNode node = JSON.createObjectNode();
    node.put("model_name", model.name());
    node.put("model_version", Integer.toString(model.version()));
    node.put("alias", model.alias());
    node.put("model_uri", "models:/" + model.name() + "/" + model.version());
    node.put("run_id", model.runId());
    node.put("loaded_at", model.loadedAt().toString());
    node.put("scored_in", model.isLocal() ? "jvm" : "spark");
    ArrayNode plan = node.putArray("plan");
    model.plan().forEach(plan::add);
    node.set("reload", reloads.toJson(JSON));
    if (log != null) {
      node.put("inference_log", log.table());
    }
    return node;
  }

  private static void allow(Request request, String method) {
    if (!request.method().equals(method)) {
      throw ServingErrors.wrongMethod(request.method(), request.path(), method);
    }
  }

  private static String requestId(String given) {
    return given != null && !given.isBlank() && given.length() <= REQUEST_ID_MAX
        ? given.strip()
        : UUID.randomUUID().toString();
  }

  private static byte[] predictions(double[] predictions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 8 * predictions.length);
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("predictions");
      for (double prediction : predictions) {
        json.writeNumber(prediction);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Answer json(int status, ObjectNode node, String requestId) {
    try {
      return new Answer(status, JSON_TYPE, JSON.writeValueAsBytes(node), requestId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer error(int status, String code, String message, String requestId) {
    ObjectNode node = JSON.createObjectNode().put("error_code", code).put("message", message);
    return json(status, node, requestId);
  }
}
