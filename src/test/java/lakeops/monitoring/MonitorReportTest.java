package lakeops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lakeops.testing.SharedSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report renders in headless Chromium with every chart drawn, and needs no network. */
class MonitorReportTest extends SharedSpark {

  @TempDir Path dir;

  private static String chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String folder : System.getenv("PATH").split(":")) {
        if (Files.isExecutable(Path.of(folder, name))) {
          return Path.of(folder, name).toString();
        }
      }
    }
    throw new AssertionError(
        "No headless Chromium on PATH: .ci/run installs it (apt-get install chromium)");
  }

  @Test
  void rendersEveryChartInHeadlessChromium() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS dev.scratch");
    sql("DROP TABLE IF EXISTS dev.scratch.reported");
    InferenceLogMonitorTest.inferenceLog(spark(), true, 41, 1)
        .write()
        .format("delta")
        .saveAsTable("dev.scratch.reported");
    InferenceLogMonitorTest.inferenceLog(spark(), true, 42, 3)
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable("dev.scratch.reported");
    MonitorData.writeMonitor(
        home().confDir(),
        "reported",
        """
        name: reported
        table: scratch.reported
        profile_type: inference_log
        timestamp_col: timestamp
        inference_log: {problem_type: classification, prediction_col: prediction, label_col: label,
                        model_id_col: model_version, probability_col: probability}
        baseline: {version: 0}
        """);
    MonitorSpec spec = MonitorSpecs.load(home(), "reported");
    MonitorRefresh.of(spark(), "dev", spec).execute();
    Path report = MonitorReport.of(spark(), "dev", spec).write(dir.resolve("report.html"));
    String html = Files.readString(report);
    assertThat(html).doesNotContain("src=\"http", "href=\"http", "<link");
    assertThat(html).contains("js_distance(origin)", "accuracy_score", "roc_auc_score");

    Process browser =
        new ProcessBuilder(
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=5000",
                "--dump-dom",
                report.toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(browser.waitFor(120, TimeUnit.SECONDS)).isTrue();
    int charts = attribute(dom, "data-charts");
    // Distributions and drift lines of origin, prediction and label; accuracy and ROC AUC over
    // time.
    assertThat(charts).isEqualTo(8);
    assertThat(attribute(dom, "data-charts-drawn"))
        .as("charts drawn in Chromium")
        .isEqualTo(charts);
  }

  private static int attribute(String dom, String name) {
    Matcher m = Pattern.compile(name + "=\"(\\d+)\"").matcher(dom);
    assertThat(m.find()).as(name + " in the rendered page").isTrue();
    return Integer.parseInt(m.group(1));
  }
}
