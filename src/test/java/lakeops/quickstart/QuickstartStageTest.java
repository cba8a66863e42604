package lakeops.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import lakeops.testing.SharedSpark;
import lakeops.training.ModelSpec;
import org.junit.jupiter.api.Test;

class QuickstartStageTest extends SharedSpark {

  private static Path quick(long labelRows) {
    return QuickstartStage.quickModel(
        home(), "quick-" + labelRows, home().resolve(Quickstart.MODEL_FILE), labelRows);
  }

  @Test
  void quickerModelTrainsOnAHashSampleOfManyLabelRows() {
    String where = ModelSpec.load(quick(1_500_000)).labels().where();
    assertThat(where).startsWith("pmod(xxhash64(`flight_time`, `origin`").endsWith(", 3) = 0");
    long kept =
        sql(
                "SELECT count(*) FROM (SELECT timestamp'2001-01-01 00:00:00' + make_interval(0, 0,"
                    + " 0, 0, 0, id, 0) AS flight_time, CAST(id %% 97 AS STRING) AS origin,"
                    + " CAST(id %% 89 AS STRING) AS destination, CAST(id %% 500 AS INT) AS"
                    + " distance_miles FROM range(30000)) WHERE %s",
                where)
            .first()
            .getLong(0);
    assertThat((double) kept).isCloseTo(10_000, within(500.0));
  }

  @Test
  void quickerModelKeepsEveryRowOfASmallLabelSetAndDropsTheGrid() {
    ModelSpec spec = ModelSpec.load(quick(4_000));
    assertThat(spec.labels().where()).isNull();
    assertThat(spec.tuning()).isNull();
    assertThat(spec.name()).isEqualTo("flight_delay");
  }
}
