package lakeops.monitoring;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import lakeops.monitoring.MetricRows.ProfileColumn;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A self-contained HTML report of a monitor: distributions of the baseline against the newest
 * window, drift over time and model quality over time, drawn as inline SVG (no script or font from
 * the network), for the whole table and the monitor's first granularity.
 */
final class MonitorReport {

  private static final int WIDTH = 560;
  private static final int HEIGHT = 220;
  private static final int BINS = 20;

  private final SparkSession spark;
  private final String environment;
  private final MonitorSpec spec;
  private int charts;

  private MonitorReport(SparkSession spark, String environment, MonitorSpec spec) {
    this.spark = spark;
    this.environment = environment;
    this.spec = spec;
  }

  /** The report of {@code spec}'s metric tables in {@code environment}. */
  public static MonitorReport of(SparkSession spark, String environment, MonitorSpec spec) {
    return new MonitorReport(spark, environment, spec);
  }

  /** Writes the report to {@code file} and returns it. */
  public Path write(Path file) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, html(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw MonitoringErrors.cannotWriteReport(file, e);
    }
  }

  /** The report's HTML. */
  public String html() {
    MetricTables tables = MetricTables.of(spark, environment, spec.name());
    String granularity =
        spec.granularities().isEmpty() ? "snapshot" : spec.granularities().get(0).text();
    List<Row> profile =
        spark
            .table(tables.profile())
            .where(
                col("slice_key")
                    .isNull()
                    .and(col("model_id").equalTo(MonitorProperties.ALL_MODELS))
                    .and(
                        col("granularity")
                            .equalTo(granularity)
                            .or(col("log_type").equalTo(WindowKey.BASELINE))))
            .collectAsList();
    StringBuilder body = new StringBuilder();
    body.append("<h1>Monitor ")
        .append(escape(spec.name()))
        .append("</h1><p>")
        .append(escape(MetricTables.qualify(environment, spec.table())))
        .append(", ")
        .append(escape(spec.profileType().name().toLowerCase()))
        .append(", granularity ")
        .append(escape(granularity))
        .append(", environment ")
        .append(escape(environment))
        .append("</p>");
    body.append("<h2>Distributions: baseline vs newest window</h2>");
    distributions(body, profile);
    body.append("<h2>Drift over time</h2>");
    driftOverTime(body, tables, granularity);
    body.append("<h2>Model quality over time</h2>");
    qualityOverTime(body, profile);
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>LakeOps monitor "
        + escape(spec.name())
        + "</title><style>body{font-family:sans-serif;margin:24px;color:#222}svg{background:#fafafa;"
        + "border:1px solid #ddd;margin:6px}figure{display:inline-block;margin:4px}"
        + "figcaption{font-size:13px}</style></head><body data-charts=\""
        + charts
        + "\">"
        + body
        // Counts the charts whose marks have a size once laid out: the headless-browser test reads
        // it.
        + "<script>window.addEventListener('load',function(){var n=0;document.querySelectorAll("
        + "'svg.chart').forEach(function(s){var m=s.querySelectorAll('rect.mark,polyline.mark');"
        + "var ok=m.length>0;m.forEach(function(e){var b=e.getBBox();if(!(b.width>0||b.height>0))ok=false;});"
        + "if(ok)n++;});document.body.setAttribute('data-charts-drawn',n);});</script></body></html>";
  }

  private void distributions(StringBuilder out, List<Row> profile) {
    Map<String, Row> baseline = new LinkedHashMap<>();
    Map<String, Row> newest = new LinkedHashMap<>();
    for (Row r : profile) {
      String column = MetricRows.string(r, ProfileColumn.COLUMN_NAME);
      if (r.isNullAt(ProfileColumn.SKETCH.index())) {
        continue;
      }
      if (WindowKey.BASELINE.equals(MetricRows.string(r, ProfileColumn.LOG_TYPE))) {
        baseline.put(column, r);
      } else {
        Row seen = newest.get(column);
        if (seen == null || MetricRows.keyOf(r).start().after(MetricRows.keyOf(seen).start())) {
          newest.put(column, r);
        }
      }
    }
    if (newest.isEmpty()) {
      out.append("<p>No windows profiled yet.</p>");
      return;
    }
    for (Map.Entry<String, Row> e : newest.entrySet()) {
      Row current = e.getValue();
      Row reference = baseline.get(e.getKey());
      boolean categorical = !current.isNullAt(ProfileColumn.FREQUENT_ITEMS.index());
      Map<String, double[]> bars =
          categorical ? categoryBars(reference, current) : numericBars(reference, current);
      out.append(
          figure(
              e.getKey()
                  + " ("
                  + (reference == null ? "no baseline" : "baseline grey, newest blue")
                  + ")",
              barChart(bars)));
    }
  }

  private static Map<String, double[]> numericBars(Row reference, Row current) {
    NumericSketch cur = NumericSketch.fromBytes(sketch(current));
    NumericSketch ref =
        reference == null ? new NumericSketch(1) : NumericSketch.fromBytes(sketch(reference));
    Map<String, double[]> bars = new LinkedHashMap<>();
    if (cur.total() == 0 && ref.total() == 0) {
      return bars;
    }
    double lo =
        Math.min(
            cur.total() > 0 ? cur.values()[0] : Double.MAX_VALUE,
            ref.total() > 0 ? ref.values()[0] : Double.MAX_VALUE);
    double hi =
        Math.max(
            cur.total() > 0 ? cur.values()[cur.values().length - 1] : -Double.MAX_VALUE,
            ref.total() > 0 ? ref.values()[ref.values().length - 1] : -Double.MAX_VALUE);
    int bins = hi > lo ? BINS : 1;
    double[] c =
        cur.total() == 0
            ? new double[bins]
            : DriftStatistics.histogram(cur.values(), cur.counts(), lo, hi, bins, cur.total());
    double[] r =
        ref.total() == 0
            ? new double[bins]
            : DriftStatistics.histogram(ref.values(), ref.counts(), lo, hi, bins, ref.total());
    for (int i = 0; i < bins; i++) {
      bars.put(String.format("%.4g", lo + (hi - lo) * i / bins), new double[] {r[i], c[i]});
    }
    return bars;
  }

  private static Map<String, double[]> categoryBars(Row reference, Row current) {
    Map<String, Long> cur = CategoricalSketch.fromBytes(sketch(current)).counts();
    Map<String, Long> ref =
        reference == null ? Map.of() : CategoricalSketch.fromBytes(sketch(reference)).counts();
    double curTotal = Math.max(1, cur.values().stream().mapToLong(Long::longValue).sum());
    double refTotal = Math.max(1, ref.values().stream().mapToLong(Long::longValue).sum());
    TreeMap<String, double[]> bars = new TreeMap<>();
    TreeSet<String> keys = new TreeSet<>(cur.keySet());
    keys.addAll(ref.keySet());
    keys.stream()
        .limit(30)
        .forEach(
            k ->
                bars.put(
                    k,
                    new double[] {
                      ref.getOrDefault(k, 0L) / refTotal, cur.getOrDefault(k, 0L) / curTotal
                    }));
    return bars;
  }

  private void driftOverTime(StringBuilder out, MetricTables tables, String granularity) {
    List<Row> rows =
        spark
            .table(tables.drift())
            .where(
                col("slice_key")
                    .isNull()
                    .and(col("granularity").equalTo(granularity))
                    .and(col("model_id").equalTo(MonitorProperties.ALL_MODELS))
                    .and(
                        col("drift_type")
                            .equalTo(spec.baseline().isPresent() ? "BASELINE" : "CONSECUTIVE")))
            .select(col("column_name"), col("window.start").as("start"), col("js_distance"))
            .where(col("js_distance").isNotNull())
            .orderBy("window.start")
            .collectAsList();
    Map<String, List<double[]>> series = new TreeMap<>();
    for (Row r : rows) {
      series
          .computeIfAbsent(r.getAs("column_name"), k -> new ArrayList<>())
          .add(
              new double[] {r.<Timestamp>getAs("start").getTime(), r.<Double>getAs("js_distance")});
    }
    if (series.isEmpty()) {
      out.append("<p>No drift computed yet.</p>");
      return;
    }
    series.forEach(
        (column, points) -> out.append(figure("js_distance(" + column + ")", lineChart(points))));
  }

  private void qualityOverTime(StringBuilder out, List<Row> profile) {
    Map<String, List<double[]>> series = new TreeMap<>();
    List<ProfileColumn> metrics =
        List.of(
            ProfileColumn.ACCURACY_SCORE,
            ProfileColumn.ROC_AUC_SCORE,
            ProfileColumn.ROOT_MEAN_SQUARED_ERROR,
            ProfileColumn.R2_SCORE);
    for (Row r : profile) {
      if (!MonitorProperties.TABLE_COLUMN.equals(MetricRows.string(r, ProfileColumn.COLUMN_NAME))
          || r.isNullAt(ProfileColumn.WINDOW.index())) {
        continue;
      }
      Timestamp start = MetricRows.keyOf(r).start();
      for (ProfileColumn metric : metrics) {
        if (!r.isNullAt(metric.index())) {
          series
              .computeIfAbsent(metric.column(), k -> new ArrayList<>())
              .add(new double[] {start.getTime(), r.getDouble(metric.index())});
        }
      }
    }
    if (series.isEmpty()) {
      out.append("<p>No model-quality metrics (not an inference log, or no labels).</p>");
      return;
    }
    series.forEach(
        (name, points) -> {
          points.sort((a, b) -> Double.compare(a[0], b[0]));
          out.append(figure(name, lineChart(points)));
        });
  }

  private static byte[] sketch(Row profileRow) {
    return (byte[]) MetricRows.get(profileRow, ProfileColumn.SKETCH);
  }

  private String figure(String caption, String svg) {
    return "<figure>" + svg + "<figcaption>" + escape(caption) + "</figcaption></figure>";
  }

  private String barChart(Map<String, double[]> bars) {
    charts++;
    StringBuilder svg = new StringBuilder(svgOpen());
    double max = bars.values().stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1);
    double slot = (WIDTH - 40.0) / Math.max(1, bars.size());
    int i = 0;
    for (Map.Entry<String, double[]> bar : bars.entrySet()) {
      for (int side = 0; side < 2; side++) {
        double h = max == 0 ? 0 : (HEIGHT - 40) * bar.getValue()[side] / max;
        svg.append(
            String.format(
                java.util.Locale.ROOT,
                "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    + "<title>%s: %.4f</title></rect>",
                30 + i * slot + side * slot / 2,
                HEIGHT - 20 - h,
                Math.max(1, slot / 2 - 1),
                Math.max(0.5, h),
                side == 0 ? "#999" : "#1f77b4",
                escape(bar.getKey()),
                bar.getValue()[side]));
      }
      i++;
    }
    return svg.append(axes()).append("</svg>").toString();
  }

  private String lineChart(List<double[]> points) {
    charts++;
    double x0 = points.get(0)[0];
    double x1 = Math.max(x0 + 1, points.get(points.size() - 1)[0]);
    double y1 = Math.max(1e-12, points.stream().mapToDouble(p -> p[1]).max().orElse(1));
    double y0 = Math.min(0, points.stream().mapToDouble(p -> p[1]).min().orElse(0));
    StringBuilder line = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (double[] p : points) {
      double x = 30 + (WIDTH - 40) * (points.size() == 1 ? 0.5 : (p[0] - x0) / (x1 - x0));
      double y = HEIGHT - 20 - (HEIGHT - 40) * (p[1] - y0) / (y1 - y0);
      line.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
      dots.append(
          String.format(
              java.util.Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#d62728\"><title>%s: %.4f</title></circle>",
              x,
              y,
              new Timestamp((long) p[0]).toInstant(),
              p[1]));
    }
    return svgOpen()
        + "<polyline class=\"mark\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\""
        + line.toString().trim()
        + "\"/>"
        + dots
        + axes()
        + String.format(
            java.util.Locale.ROOT, "<text x=\"32\" y=\"14\" font-size=\"11\">max %.4g</text>", y1)
        + "</svg>";
  }

  private static String svgOpen() {
    return "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
        + WIDTH
        + "\" height=\""
        + HEIGHT
        + "\" viewBox=\"0 0 "
        + WIDTH
        + " "
        + HEIGHT
        + "\">";
  }

  private static String axes() {
    return "<line x1=\"30\" y1=\""
        + (HEIGHT - 20)
        + "\" x2=\""
        + (WIDTH - 10)
        + "\" y2=\""
        + (HEIGHT - 20)
        + "\" stroke=\"#333\"/><line x1=\"30\" y1=\"10\" x2=\"30\" y2=\""
        + (HEIGHT - 20)
        + "\" stroke=\"#333\"/>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
