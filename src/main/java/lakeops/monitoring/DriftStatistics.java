package lakeops.monitoring;

import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.special.Gamma;

/**
 * The drift statistics between a reference and a current distribution, computed from sketches.
 * Every formula, and the binning of PSI and the numeric JS distance, is documented in {@code
 * conf/monitors/statistics.md}; they equal scipy's on the same data when the sketches are exact
 * (checked by {@code DriftStatisticsScipyTest}).
 */
final class DriftStatistics {

  private DriftStatistics() {}

  /** Drift of a numeric column; every field is NaN when either side is empty. */
  public record Numeric(
      double ksStatistic,
      double ksPvalue,
      double populationStabilityIndex,
      double wassersteinDistance,
      double jsDistance) {}

  /** Drift of a categorical column; every field is NaN when either side is empty. */
  public record Categorical(
      double chiSquaredStatistic,
      double chiSquaredPvalue,
      double tvDistance,
      double lInfinityDistance,
      double jsDistance) {}

  /** KS, PSI, Wasserstein and JS distance of {@code current} against {@code reference}. */
  public static Numeric numeric(NumericSketch reference, NumericSketch current) {
    double[] xs = reference.values();
    long[] xc = reference.counts();
    double[] ys = current.values();
    long[] yc = current.counts();
    double n1 = sum(xc);
    double n2 = sum(yc);
    if (n1 == 0 || n2 == 0) {
      return new Numeric(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    // Walk the union of both supports: the two empirical CDFs step at each point.
    double ks = 0;
    double wasserstein = 0;
    double c1 = 0;
    double c2 = 0;
    int i = 0;
    int j = 0;
    double previous = Double.NaN;
    double previousGap = 0;
    while (i < xs.length || j < ys.length) {
      double x = j >= ys.length || (i < xs.length && xs[i] <= ys[j]) ? xs[i] : ys[j];
      if (!Double.isNaN(previous)) {
        wasserstein += previousGap * (x - previous);
      }
      while (i < xs.length && xs[i] == x) {
        c1 += xc[i++];
      }
      while (j < ys.length && ys[j] == x) {
        c2 += yc[j++];
      }
      double gap = Math.abs(c1 / n1 - c2 / n2);
      ks = Math.max(ks, gap);
      previous = x;
      previousGap = gap;
    }
    double en = n1 * n2 / (n1 + n2);
    double pvalue = kolmogorovSurvival(Math.sqrt(en) * ks);
    double lo = Math.min(xs[0], ys[0]);
    double hi = Math.max(xs[xs.length - 1], ys[ys.length - 1]);
    int bins = sturgesBins(n1 + n2, lo, hi);
    double[] p = histogram(xs, xc, lo, hi, bins, n1);
    double[] q = histogram(ys, yc, lo, hi, bins, n2);
    return new Numeric(ks, pvalue, psi(p, q), wasserstein, jensenShannon(p, q));
  }

  /** Chi-squared test, TV, L∞ and JS distance of {@code current} against {@code reference}. */
  public static Categorical categorical(Map<String, Long> reference, Map<String, Long> current) {
    TreeSet<String> categories = new TreeSet<>(reference.keySet());
    categories.addAll(current.keySet());
    double n1 = reference.values().stream().mapToLong(Long::longValue).sum();
    double n2 = current.values().stream().mapToLong(Long::longValue).sum();
    if (n1 == 0 || n2 == 0) {
      return new Categorical(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    int k = categories.size();
    double[][] observed = new double[2][k];
    double[] p = new double[k];
    double[] q = new double[k];
    int index = 0;
    for (String category : categories) {
      observed[0][index] = reference.getOrDefault(category, 0L);
      observed[1][index] = current.getOrDefault(category, 0L);
      p[index] = observed[0][index] / n1;
      q[index] = observed[1][index] / n2;
      index++;
    }
    double tv = 0;
    double lInfinity = 0;
    for (int c = 0; c < k; c++) {
      tv += Math.abs(p[c] - q[c]);
      lInfinity = Math.max(lInfinity, Math.abs(p[c] - q[c]));
    }
    double[] chi = chiSquared(observed, n1, n2);
    return new Categorical(chi[0], chi[1], tv / 2, lInfinity, jensenShannon(p, q));
  }

  /**
   * Pearson's chi-squared test of homogeneity on the 2×k table, as scipy's {@code
   * chi2_contingency}: Yates' continuity correction when there is one degree of freedom, statistic
   * 0 and p-value 1 when there are none.
   */
  static double[] chiSquared(double[][] observed, double n1, double n2) {
    int k = observed[0].length;
    int dof = k - 1;
    if (dof == 0) {
      return new double[] {0.0, 1.0};
    }
    double total = n1 + n2;
    double[] rows = {n1, n2};
    double statistic = 0;
    for (int c = 0; c < k; c++) {
      double column = observed[0][c] + observed[1][c];
      for (int r = 0; r < 2; r++) {
        double expected = rows[r] * column / total;
        double o = observed[r][c];
        if (dof == 1) {
          double diff = expected - o;
          o += Math.signum(diff) * Math.min(0.5, Math.abs(diff));
        }
        statistic += (o - expected) * (o - expected) / expected;
      }
    }
    return new double[] {statistic, Gamma.regularizedGammaQ(dof / 2.0, statistic / 2.0)};
  }

  /** Jensen-Shannon distance, base 2 (in [0, 1]), of two proportion vectors, as scipy's. */
  static double jensenShannon(double[] p, double[] q) {
    double divergence = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      divergence += relativeEntropy(p[i], m) + relativeEntropy(q[i], m);
    }
    return Math.sqrt(Math.max(0, divergence / Math.log(2) / 2));
  }

  /** PSI = Σ (q − p)·ln(q / p), empty bins given {@link MonitorProperties#PSI_EMPTY_BIN}. */
  static double psi(double[] reference, double[] current) {
    double psi = 0;
    for (int i = 0; i < reference.length; i++) {
      double p = reference[i] == 0 ? MonitorProperties.PSI_EMPTY_BIN : reference[i];
      double q = current[i] == 0 ? MonitorProperties.PSI_EMPTY_BIN : current[i];
      psi += (q - p) * Math.log(q / p);
    }
    return psi;
  }

  /** Sturges' rule over both samples, as numpy's {@code histogram_bin_edges(bins='sturges')}. */
  static int sturgesBins(double n, double lo, double hi) {
    if (hi <= lo) {
      return 1;
    }
    return (int) Math.ceil((hi - lo) / ((hi - lo) / (Math.log(n) / Math.log(2) + 1)));
  }

  /** Proportions per equal-width bin of [lo, hi], last bin closed, placed as numpy's histogram. */
  static double[] histogram(
      double[] values, long[] counts, double lo, double hi, int bins, double n) {
    double first = hi > lo ? lo : lo - 0.5;
    double last = hi > lo ? hi : hi + 0.5;
    double[] edges = new double[bins + 1];
    double step = (last - first) / bins;
    for (int e = 0; e <= bins; e++) {
      edges[e] = first + e * step;
    }
    edges[bins] = last;
    double[] proportions = new double[bins];
    for (int v = 0; v < values.length; v++) {
      double x = values[v];
      int index = (int) ((x - first) / (last - first) * bins);
      if (index == bins) {
        index--;
      }
      if (x < edges[index]) {
        index--;
      } else if (x >= edges[index + 1] && index != bins - 1) {
        index++;
      }
      proportions[index] += counts[v] / n;
    }
    return proportions;
  }

  /**
   * P(K > t) of the Kolmogorov distribution (scipy's {@code kstwobign.sf}), the asymptotic
   * two-sided KS p-value at t = D·√(n₁n₂/(n₁+n₂)).
   */
  static double kolmogorovSurvival(double t) {
    if (t <= 0) {
      return 1.0;
    }
    if (t < 1.0) {
      // Jacobi's dual series converges fast for small t: CDF = √(2π)/t Σ exp(−(2k−1)²π²/(8t²)).
      double cdf = 0;
      for (int k = 1; k < 100; k++) {
        double term = Math.exp(-(2 * k - 1) * (2 * k - 1) * Math.PI * Math.PI / (8 * t * t));
        cdf += term;
        if (term < 1e-300) {
          break;
        }
      }
      return 1 - Math.sqrt(2 * Math.PI) / t * cdf;
    }
    double sf = 0;
    for (int k = 1; k < 100; k++) {
      double term = Math.exp(-2.0 * k * k * t * t);
      sf += (k % 2 == 1 ? 2 : -2) * term;
      if (term < 1e-300) {
        break;
      }
    }
    return Math.max(0, Math.min(1, sf));
  }

  private static double relativeEntropy(double x, double y) {
    if (x == 0) {
      return 0;
    }
    return x * Math.log(x / y);
  }

  private static double sum(long[] counts) {
    double total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }
}
