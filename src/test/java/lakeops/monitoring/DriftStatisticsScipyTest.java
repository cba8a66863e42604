package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift statistics against scipy (the project venv's): equal within 1e-6 when the sketches are
 * exact, within the stated tolerances when a numeric sketch had to compact.
 */
class DriftStatisticsScipyTest {

  @TempDir Path dir;

  /** Samples of one comparison, as the test writes them for scipy. */
  private record Samples(double[] ref, double[] cur, List<String> refCat, List<String> curCat) {}

  private static Samples samples(
      long seed, int n1, int n2, int decimals, String[] refCategories, String[] curCategories) {
    Random random = new Random(seed);
    double scale = Math.pow(10, decimals);
    double[] ref = new double[n1];
    double[] cur = new double[n2];
    for (int i = 0; i < n1; i++) {
      ref[i] = Math.round(random.nextGaussian() * scale) / scale;
    }
    for (int i = 0; i < n2; i++) {
      cur[i] = Math.round((0.3 + 1.2 * random.nextGaussian()) * scale) / scale;
    }
    List<String> refCat = new ArrayList<>();
    List<String> curCat = new ArrayList<>();
    for (int i = 0; i < n1; i++) {
      refCat.add(refCategories[random.nextInt(refCategories.length)]);
    }
    for (int i = 0; i < n2; i++) {
      curCat.add(
          curCategories[
              (int)
                  Math.min(
                      curCategories.length - 1,
                      Math.floor(Math.pow(random.nextDouble(), 1.5) * curCategories.length))]);
    }
    return new Samples(ref, cur, refCat, curCat);
  }

  private JsonNode scipy(Samples s) throws Exception {
    Files.writeString(dir.resolve("ref.txt"), join(s.ref()));
    Files.writeString(dir.resolve("cur.txt"), join(s.cur()));
    Files.writeString(dir.resolve("ref_cat.txt"), String.join("\n", s.refCat()));
    Files.writeString(dir.resolve("cur_cat.txt"), String.join("\n", s.curCat()));
    Path project = TestHome.projectDir();
    Process env =
        new ProcessBuilder(project.resolve("scripts/python-env").toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String venv = new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(env.waitFor()).as("scripts/python-env").isZero();
    Process python =
        new ProcessBuilder(
                Path.of(venv, "bin", "python").toString(),
                project.resolve("src/test/resources/monitoring/scipy_drift.py").toString(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as("scipy oracle: " + out).isZero();
    return new ObjectMapper().readTree(out);
  }

  private static NumericSketch sketch(double[] values, int capacity) {
    NumericSketch sketch = new NumericSketch(capacity);
    for (double v : values) {
      sketch.add(v);
    }
    return sketch;
  }

  private static Map<String, Long> counts(List<String> values) {
    return values.stream()
        .collect(Collectors.groupingBy(v -> v, HashMap::new, Collectors.counting()));
  }

  @Test
  void equalsScipyOnExactSketches() throws Exception {
    Samples s =
        samples(
            11,
            400,
            300,
            2,
            new String[] {"SEA", "SFO", "LAX", "JFK"},
            new String[] {"SEA", "SFO", "LAX", "JFK", "ORD"});
    JsonNode expected = scipy(s);
    NumericSketch ref = sketch(s.ref(), 4096);
    NumericSketch cur = sketch(s.cur(), 4096);
    assertThat(ref.exact()).isTrue();
    DriftStatistics.Numeric numeric = DriftStatistics.numeric(ref, cur);
    assertThat(numeric.ksStatistic())
        .isCloseTo(expected.get("ks_statistic").asDouble(), within(1e-6));
    assertThat(numeric.ksPvalue())
        .isCloseTo(expected.get("ks_pvalue_kolmogorov").asDouble(), within(1e-6));
    // scipy's ks_2samp itself uses the exact finite-n distribution: the asymptotic one is close.
    assertThat(numeric.ksPvalue())
        .isCloseTo(expected.get("ks_pvalue_scipy_asymp").asDouble(), within(0.02));
    assertThat(numeric.wassersteinDistance())
        .isCloseTo(expected.get("wasserstein").asDouble(), within(1e-6));
    assertThat(numeric.jsDistance()).isCloseTo(expected.get("js_numeric").asDouble(), within(1e-6));
    assertThat(numeric.populationStabilityIndex())
        .isCloseTo(expected.get("psi").asDouble(), within(1e-6));
    assertThat(numeric.ksStatistic()).isGreaterThan(0.05);

    DriftStatistics.Categorical categorical =
        DriftStatistics.categorical(counts(s.refCat()), counts(s.curCat()));
    assertThat(categorical.chiSquaredStatistic())
        .isCloseTo(expected.get("chi2_statistic").asDouble(), within(1e-6));
    assertThat(categorical.chiSquaredPvalue())
        .isCloseTo(expected.get("chi2_pvalue").asDouble(), within(1e-6));
    assertThat(categorical.tvDistance()).isCloseTo(expected.get("tv").asDouble(), within(1e-6));
    assertThat(categorical.lInfinityDistance())
        .isCloseTo(expected.get("linf").asDouble(), within(1e-6));
    assertThat(categorical.jsDistance())
        .isCloseTo(expected.get("js_categorical").asDouble(), within(1e-6));
  }

  @Test
  void equalsScipyWithYatesCorrectionOnTwoCategories() throws Exception {
    Samples s = samples(12, 150, 120, 1, new String[] {"yes", "no"}, new String[] {"yes", "no"});
    JsonNode expected = scipy(s);
    DriftStatistics.Categorical categorical =
        DriftStatistics.categorical(counts(s.refCat()), counts(s.curCat()));
    assertThat(categorical.chiSquaredStatistic())
        .isCloseTo(expected.get("chi2_statistic").asDouble(), within(1e-6));
    assertThat(categorical.chiSquaredPvalue())
        .isCloseTo(expected.get("chi2_pvalue").asDouble(), within(1e-6));
    DriftStatistics.Numeric numeric =
        DriftStatistics.numeric(sketch(s.ref(), 4096), sketch(s.cur(), 4096));
    assertThat(numeric.ksStatistic())
        .isCloseTo(expected.get("ks_statistic").asDouble(), within(1e-6));
    assertThat(numeric.wassersteinDistance())
        .isCloseTo(expected.get("wasserstein").asDouble(), within(1e-6));
  }

  /** Tolerances of compacted sketches (256 centroids for 20 000 distinct values), as documented. */
  @Test
  void staysWithinStatedToleranceWhenSketchesCompact() throws Exception {
    Samples s = samples(13, 20_000, 15_000, 6, new String[] {"a"}, new String[] {"a"});
    JsonNode expected = scipy(s);
    NumericSketch ref = sketch(s.ref(), 256);
    NumericSketch cur = sketch(s.cur(), 256);
    assertThat(ref.exact()).isFalse();
    DriftStatistics.Numeric numeric = DriftStatistics.numeric(ref, cur);
    assertThat(numeric.ksStatistic())
        .isCloseTo(expected.get("ks_statistic").asDouble(), within(0.01));
    assertThat(numeric.wassersteinDistance())
        .isCloseTo(expected.get("wasserstein").asDouble(), within(0.01));
    assertThat(numeric.jsDistance()).isCloseTo(expected.get("js_numeric").asDouble(), within(0.02));
    assertThat(numeric.populationStabilityIndex())
        .isCloseTo(expected.get("psi").asDouble(), within(0.02));
  }

  private static String join(double[] values) {
    StringBuilder out = new StringBuilder();
    for (double v : values) {
      out.append(v).append('\n');
    }
    return out.toString();
  }
}
