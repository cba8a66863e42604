package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sketches past their exact capacity: bytes and Java serialization, merging, distinct counts.
 */
class SketchTest {

  private static NumericSketch gaussians(long seed, int n, int capacity) {
    Random random = new Random(seed);
    NumericSketch sketch = new NumericSketch(capacity);
    for (int i = 0; i < n; i++) {
      sketch.add(random.nextGaussian() * 10 + 50);
    }
    return sketch;
  }

  @Test
  void approximateNumericSketchRoundTripsAndMerges() throws Exception {
    NumericSketch a = gaussians(1, 50_000, 256);
    assertThat(a.exact()).isFalse();
    assertThat(a.total()).isEqualTo(50_000);
    assertThat(a.distinctCount()).isCloseTo(50_000L, within(2_000L));
    NumericSketch read = NumericSketch.fromBytes(a.toBytes());
    assertThat(read.values()).containsExactly(a.values());
    assertThat(read.counts()).containsExactly(a.counts());
    assertThat(read.distinctCount()).isEqualTo(a.distinctCount());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(a);
    }
    NumericSketch copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (NumericSketch) in.readObject();
    }
    assertThat(copy.counts()).containsExactly(a.counts());

    NumericSketch exact = new NumericSketch(256);
    exact.add(1000.0);
    exact.add(1000.0);
    copy.merge(exact);
    assertThat(copy.total()).isEqualTo(50_002);
    assertThat(copy.values()[copy.values().length - 1]).isCloseTo(1000.0, within(1000.0 * 0.005));
    // Relative accuracy: the median's bucket is within 0.5% of the true median (about 50).
    assertThat(a.quantile(0.5)).isCloseTo(50.0, within(0.5));
  }

  @Test
  void bucketingAddsNoDriftBetweenSameDistributions() {
    NumericSketch reference = gaussians(2, 200_000, 256);
    NumericSketch current = gaussians(3, 200_000, 256);
    NumericSketch exactReference = gaussians(2, 200_000, 1_000_000);
    NumericSketch exactCurrent = gaussians(3, 200_000, 1_000_000);
    assertThat(exactReference.exact()).isTrue();
    DriftStatistics.Numeric approximate = DriftStatistics.numeric(reference, current);
    DriftStatistics.Numeric exact = DriftStatistics.numeric(exactReference, exactCurrent);
    assertThat(approximate.jsDistance())
        .isLessThan(0.02)
        .isCloseTo(exact.jsDistance(), within(0.01));
    assertThat(approximate.ksStatistic()).isCloseTo(exact.ksStatistic(), within(0.01));
    assertThat(approximate.populationStabilityIndex()).isLessThan(0.01);

    NumericSketch shifted = new NumericSketch(256);
    Random random = new Random(4);
    for (int i = 0; i < 200_000; i++) {
      shifted.add(random.nextGaussian() * 10 + 55);
    }
    assertThat(DriftStatistics.numeric(reference, shifted).jsDistance()).isGreaterThan(0.15);
  }

  @Test
  void categoricalSketchKeepsDistinctCountPastItsLimit() {
    CategoricalSketch a = new CategoricalSketch(10);
    CategoricalSketch b = new CategoricalSketch(10);
    for (int i = 0; i < 3_000; i++) {
      a.add("c" + i, 2);
      b.add("c" + (i + 1_500));
    }
    assertThat(a.exact()).isFalse();
    assertThat(a.distinctCount()).isCloseTo(3_000L, within(150L));
    CategoricalSketch merged = CategoricalSketch.fromBytes(a.toBytes()).merge(b);
    assertThat(merged.distinctCount()).isCloseTo(4_500L, within(225L));
    assertThat(merged.total()).isEqualTo(9_000);

    CategoricalSketch small = new CategoricalSketch(10);
    small.add("x");
    small.add("y", 3);
    assertThat(small.exact()).isTrue();
    assertThat(small.distinctCount()).isEqualTo(2);
    assertThat(CategoricalSketch.fromBytes(small.toBytes()).counts()).containsEntry("y", 3L);
  }
}
