package lakeops.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lakeops.testing.MlflowTestServer;
import lakeops.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The oracle from outside: Python MLflow (the project venv, with PySpark of the same Spark version)
 * loads the Java-logged model by alias with {@code
 * mlflow.pyfunc.load_model("models:/<name>@champion")}, reads its input example with MLflow's own
 * reader, predicts, and must match Java's predictions.
 */
@ExtendWith(MlflowTestServer.class)
class PythonLoadsJavaModelTest {

  private static final String SCRIPT =
      """
      import json, sys
      import mlflow
      from mlflow.models import Model
      uri = sys.argv[1]
      mlflow.set_tracking_uri(sys.argv[2])
      local = mlflow.artifacts.download_artifacts(uri)
      example = Model.load(local).load_input_example(local)
      model = mlflow.pyfunc.load_model(uri)
      predictions = model.predict(example)
      print("PREDICTIONS " + json.dumps([float(p) for p in predictions]))
      """;

  @Test
  void pyfuncLoadsTheChampionByAliasAndPredictsLikeJava() throws Exception {
    TrainingResult result = FlightDelayFixture.published();
    Path python = TestHome.projectDir().resolve(".venv/bin/python");
    assertThat(python)
        .as("the project venv (scripts/python-env) made by the MLflow test server")
        .exists();
    Path script = Files.createTempFile("pyfunc-check", ".py");
    Files.writeString(script, SCRIPT);
    Path output = Files.createTempFile("pyfunc-check", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(
                python.toString(),
                script.toString(),
                "models:/dev.ml." + FlightDelayFixture.MODEL + "@champion",
                MlflowTestServer.server().url())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().put("TZ", "UTC");
    builder.environment().put("PYSPARK_PYTHON", python.toString());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = builder.start();
    assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("python finishes in 300 s").isTrue();
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(printed).isZero();
    String line =
        printed
            .lines()
            .filter(l -> l.startsWith("PREDICTIONS "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no predictions printed:\n" + printed));
    List<Double> fromPython =
        Arrays.asList(
            new ObjectMapper().readValue(line.substring("PREDICTIONS ".length()), Double[].class));
    List<Double> fromJava =
        Arrays.asList(
            new ObjectMapper()
                .readValue(
                    result
                        .bundleDir()
                        .resolve("model")
                        .resolve(TrainingProperties.EXAMPLE_PREDICTIONS_FILE)
                        .toFile(),
                    Double[].class));
    assertThat(fromJava)
        .as("an example with both classes makes the comparison meaningful")
        .contains(0.0, 1.0);
    assertThat(fromPython).isEqualTo(fromJava);
  }
}
