package lakeops.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceArchitectureTest {

  @Test
  void prodWaitsForStagingAloneAndTheOthersForNothing() {
    List<String> order = List.of("dev", "staging", "prod");
    assertThat(ReferenceArchitecture.gates("prod", order)).containsExactly("staging");
    assertThat(ReferenceArchitecture.gates("staging", order)).isEmpty();
    assertThat(ReferenceArchitecture.gates("dev", order)).isEmpty();
  }

  @Test
  void withoutStagingProdWaitsForEveryDevLikeEnvironment() {
    List<String> order = QuickstartStage.order(List.of("prod", "sandbox", "dev"));
    assertThat(order).containsExactly("dev", "sandbox", "prod");
    assertThat(ReferenceArchitecture.gates("prod", order)).containsExactly("dev", "sandbox");
  }
}
