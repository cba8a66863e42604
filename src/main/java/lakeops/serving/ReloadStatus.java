package lakeops.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** What hot reload last did, for {@code /version}: the last check, switch and failure. */
final class ReloadStatus {

  private volatile Instant lastCheck;
  private volatile String lastSwitch;
  private volatile Integer failedVersion;
  private volatile String failure;
  private volatile Instant failedAt;

  void checked() {
    lastCheck = Instant.now();
  }

  void switched(int from, int to) {
    lastSwitch = String.format("version %d to %d at %s", from, to, Instant.now());
    failedVersion = null;
    failure = null;
    failedAt = null;
  }

  void failed(int version, String reason) {
    failedVersion = version;
    failure = reason;
    failedAt = Instant.now();
  }

  /** The version whose load failed last, if it is still the one the alias points at. */
  Integer failedVersion() {
    return failedVersion;
  }

  String failure() {
    return failure;
  }

  ObjectNode toJson(ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    node.put("last_check", lastCheck == null ? null : lastCheck.toString());
    node.put("last_switch", lastSwitch);
    if (failedVersion != null) {
      node.putObject("failed")
          .put("version", Integer.toString(failedVersion))
          .put("reason", failure)
          .put("at", failedAt.toString());
    }
    return node;
  }
}
