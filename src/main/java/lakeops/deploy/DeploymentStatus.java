package lakeops.deploy;

import java.util.List;

/**
 * Where a model's deployment stands.
 *
 * @param model registered model name
 * @param champion version alias {@code champion} points at, or null
 * @param challenger version alias {@code challenger} points at, or null
 * @param pendingApproval versions waiting for {@code approve}, newest first
 * @param decisions the latest decisions, newest first
 */
public record DeploymentStatus(
    String model,
    Integer champion,
    Integer challenger,
    List<Integer> pendingApproval,
    List<Decision> decisions) {

  /** Copies the lists. */
  public DeploymentStatus {
    pendingApproval = List.copyOf(pendingApproval);
    decisions = List.copyOf(decisions);
  }

  /** The status as {@code lakeops deploy status} prints it. */
  public String summary() {
    StringBuilder text = new StringBuilder();
    text.append(String.format("model:            %s%n", model));
    text.append(String.format("champion:         %s%n", champion == null ? "none" : champion));
    text.append(String.format("challenger:       %s%n", challenger == null ? "none" : challenger));
    text.append(String.format("pending approval: %s%n", pendingApproval));
    text.append("decisions (newest first):").append(System.lineSeparator());
    for (Decision d : decisions) {
      text.append(
          String.format(
              "  %s  %-8s version %-4d %-16s actor=%s%s%n",
              d.decidedAt(),
              d.action(),
              d.version(),
              d.result(),
              d.actor(),
              d.comment() == null ? "" : " comment=" + d.comment()));
    }
    return text.toString();
  }
}
