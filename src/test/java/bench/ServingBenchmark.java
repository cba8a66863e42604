package bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.mlflow.MlflowModelWriter;
import lakeops.mlflow.MlflowRest;
import lakeops.mlflow.MlflowServer;
import lakeops.mlflow.ModelRegistry;
import lakeops.mlflow.ModelVersion;
import lakeops.mlflow.RunPublisher;
import lakeops.mlflow.RunRecord;
import lakeops.serving.ModelServer;
import lakeops.serving.ServingSpec;
import lakeops.session.SessionFactory;
import lakeops.testing.TestHome;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The serving benchmark behind {@code bench/serving/run}: one flight-delay pipeline (SQL, imputer,
 * two indexers and one-hot encoders, assembler, scaler, logistic regression) fitted on generated
 * flights, written as an MLflow model and registered; then served by LakeOps ({@code ModelServer},
 * inference log on) and by {@code mlflow models serve --env-manager local} from the same model
 * directory. A load generator on loopback (raw HTTP/1.1 keep-alive sockets, one pre-built
 * single-row {@code dataframe_split} body per request) measures, for each server, latency at a
 * fixed rate (open loop: from each request's scheduled time, so a stall counts for every request it
 * delays) and throughput (closed loop, as fast as the server answers). Ends with {@code throughput
 * vs mlflow: X.XX}.
 */
public final class ServingBenchmark {

  private static final StructType INPUT =
      new StructType()
          .add("flight_time", DataTypes.TimestampType)
          .add("origin", DataTypes.StringType)
          .add("destination", DataTypes.StringType)
          .add("distance_miles", DataTypes.IntegerType)
          .add("temperature", DataTypes.DoubleType);
  private static final String[] AIRPORTS = {"ORD", "SFO", "JFK", "SEA", "ATL", "DEN", "LAX", "BOS"};
  private static final String NAME = "dev.ml.bench_serving";

  private ServingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = 30;
    int rate = 1000;
    int connections = 4;
    boolean mlflow = true;
    boolean inferenceLog = true;
    Duration logFlush = lakeops.serving.ServingProperties.LOG_FLUSH_INTERVAL_DEFAULT;
    String python = ".venv/bin/python";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--python" -> python = args[++i];
        case "--skip-mlflow" -> mlflow = false;
        case "--no-inference-log" -> inferenceLog = false;
        case "--log-flush-seconds" -> logFlush = Duration.ofSeconds(Long.parseLong(args[++i]));
        default ->
            throw new IllegalArgumentException(
                "Invalid argument: "
                    + args[i]
                    + " (expected --seconds N, "
                    + "--rate R, --connections C, --skip-mlflow, --no-inference-log, --log-flush-seconds S)");
      }
    }
    System.out.printf(
        "machine: %d cores, load average %s; %d s per measurement, %d connections%n",
        Runtime.getRuntime().availableProcessors(), loadAverage(), seconds, connections);

    LakeOpsHome home = TestHome.create("bench-serving");
    Path project = TestHome.projectDir();
    MlflowServer tracking =
        MlflowServer.of(
            LakeOpsHome.at(project), freePort(), project.resolve("target/bench-serving/mlflow"));
    TestHome.deleteRecursively(tracking.dataDir());
    tracking.start();
    Process mlflowServe = null;
    try {
      SparkSession spark = SessionFactory.create(Environments.load(home), "dev");
      spark.sparkContext().setLogLevel("WARN");
      PipelineModel model = fit(spark);
      Path modelDir = project.resolve("target/bench-serving/model");
      TestHome.deleteRecursively(modelDir);
      List<Row> requests = flights(2000, 99);
      MlflowModelWriter.write(
          model, spark.createDataFrame(requests.subList(0, 10), INPUT), modelDir);
      ModelRegistry registry = new ModelRegistry(MlflowRest.of(tracking.url()));
      ModelVersion version = register(tracking.url(), registry, modelDir);
      registry.setAlias(NAME, "champion", version.version());
      List<byte[]> bodies = new ArrayList<>();
      for (Row row : requests) {
        bodies.add(body(row));
      }

      Result lakeops;
      List<String> lakeopsAnswers;
      ServingSpec.Builder spec = ServingSpec.builder(NAME + "@champion").port(0);
      if (inferenceLog) {
        spec.inferenceLogTable("dev.bench.inference_log").logFlushInterval(logFlush);
      } else {
        spec.withoutInferenceLog();
      }
      try (ModelServer server = ModelServer.start(spark, registry, spec.build())) {
        System.out.println(
            "lakeops: serving version "
                + version.version()
                + " on "
                + server.url()
                + (server.live().local() ? ", every stage in the JVM" : ", some stages in Spark"));
        Target target = new Target("127.0.0.1", server.port());
        lakeopsAnswers = answers(target, bodies.subList(0, 20));
        Latency warmUp =
            openLoop(
                target, bodies, rate, connections, Duration.ofSeconds(Math.max(3, seconds / 4)));
        awaitLog(
            server, 20 + warmUp.requests()); // measure the steady state, not the warm-up's backlog
        Latency latency = openLoop(target, bodies, rate, connections, Duration.ofSeconds(seconds));
        System.out.println("lakeops " + latency);
        double throughput = closedLoop(target, bodies, connections, Duration.ofSeconds(seconds));
        System.out.printf(
            "lakeops throughput: %.0f requests/s (%d connections, closed loop)%n",
            throughput, connections);
        lakeops = new Result(latency, throughput);
      }
      if (!mlflow) {
        return;
      }
      int port = freePort();
      mlflowServe = startMlflowServe(python, modelDir, port);
      Target target = new Target("127.0.0.1", port);
      List<String> mlflowAnswers = answers(target, bodies.subList(0, 20));
      System.out.println(
          mlflowAnswers.equals(lakeopsAnswers)
              ? "mlflow models serve: same predictions as LakeOps on 20 rows"
              : "mlflow models serve: predictions DIFFER from LakeOps: "
                  + mlflowAnswers
                  + " vs "
                  + lakeopsAnswers);
      closedLoop(target, bodies, connections, Duration.ofSeconds(Math.max(3, seconds / 4)));
      double throughput = closedLoop(target, bodies, connections, Duration.ofSeconds(seconds));
      System.out.printf(
          "mlflow throughput: %.1f requests/s (%d connections, closed loop)%n",
          throughput, connections);
      int mlflowRate = (int) Math.max(1, Math.min(rate, throughput / 2));
      Latency latency = openLoop(target, bodies, mlflowRate, 1, Duration.ofSeconds(seconds));
      System.out.println("mlflow " + latency);
      System.out.printf(
          "lakeops p99 at %d requests/s: %.3f ms (target <= 2 ms); mlflow p99 at %d requests/s: "
              + "%.3f ms%n",
          rate, lakeops.latency.p99(), mlflowRate, latency.p99());
      System.out.printf("throughput vs mlflow: %.2f%n", lakeops.throughput / throughput);
    } finally {
      if (mlflowServe != null) {
        mlflowServe.descendants().forEach(ProcessHandle::destroy);
        mlflowServe.destroy();
        mlflowServe.waitFor(30, TimeUnit.SECONDS);
      }
      tracking.stop();
    }
    System.exit(0);
  }

  private record Result(Latency latency, double throughput) {}

  private record Target(String host, int port) {}

  /** Latencies of one open-loop run at a fixed rate. */
  private record Latency(int rate, long requests, long errors, double p50, double p99, double max) {
    @Override
    public String toString() {
      return String.format(
          "latency at %d requests/s: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d requests, "
              + "%d errors)",
          rate, p50, p99, max, requests, errors);
    }
  }

  /** Waits until the inference log holds {@code rows} rows (or 120 s have passed). */
  private static void awaitLog(ModelServer server, long rows) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (server.loggedRows() > 0 && server.loggedRows() < rows && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  // The model

  private static PipelineModel fit(SparkSession spark) {
    Dataset<Row> rows =
        spark
            .createDataFrame(flights(20_000, 7), INPUT)
            .selectExpr(
                "*",
                "CAST(origin IN ('ORD', 'JFK') OR hour(flight_time) >= 17 OR coalesce(temperature, 10) < 0 AS DOUBLE) AS label");
    return new Pipeline()
        .setStages(
            new PipelineStage[] {
              new SQLTransformer()
                  .setStatement(
                      "SELECT *, CAST(hour(flight_time) AS DOUBLE) AS hour_of_day, "
                          + "CAST(dayofweek(flight_time) AS DOUBLE) AS day_of_week, CAST(distance_miles AS DOUBLE) AS distance "
                          + "FROM __THIS__"),
              new Imputer()
                  .setInputCols(new String[] {"temperature", "distance"})
                  .setOutputCols(new String[] {"temperature_i", "distance_i"})
                  .setStrategy("median"),
              new StringIndexer()
                  .setInputCols(new String[] {"origin", "destination"})
                  .setOutputCols(new String[] {"origin_idx", "destination_idx"})
                  .setHandleInvalid("keep"),
              new OneHotEncoder()
                  .setInputCols(new String[] {"origin_idx", "destination_idx"})
                  .setOutputCols(new String[] {"origin_vec", "destination_vec"})
                  .setHandleInvalid("keep"),
              new VectorAssembler()
                  .setInputCols(
                      new String[] {
                        "hour_of_day",
                        "day_of_week",
                        "distance_i",
                        "temperature_i",
                        "origin_vec",
                        "destination_vec"
                      })
                  .setOutputCol("raw")
                  .setHandleInvalid("keep"),
              new StandardScaler().setInputCol("raw").setOutputCol("features"),
              new LogisticRegression().setMaxIter(20).setRegParam(0.01)
            })
        .fit(rows);
  }

  private static List<Row> flights(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String origin = AIRPORTS[random.nextInt(AIRPORTS.length)];
      String destination = AIRPORTS[random.nextInt(AIRPORTS.length)];
      rows.add(
          RowFactory.create(
              new Timestamp(1_709_251_200_000L + random.nextInt(60 * 86_400) * 1000L),
              origin,
              destination,
              100 + random.nextInt(2700),
              random.nextInt(20) == 0
                  ? null
                  : Math.round((random.nextGaussian() * 12 + 10) * 10) / 10.0));
    }
    return rows;
  }

  private static ModelVersion register(String url, ModelRegistry registry, Path modelDir) {
    RunPublisher.LoggedRun run =
        new RunPublisher(MlflowRest.of(url))
            .publish(
                new RunRecord(
                    "/lakeops/dev/bench-serving",
                    "bench",
                    System.currentTimeMillis(),
                    System.currentTimeMillis(),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    List.of(),
                    List.of()),
                modelDir,
                null);
    registry.createModel(NAME, "serving benchmark model");
    return registry.createVersion(NAME, run.modelUri(), run.runId());
  }

  private static byte[] body(Row row) {
    String temperature = row.isNullAt(4) ? "null" : Double.toString(row.getDouble(4));
    return String.format(
            "{\"dataframe_split\": {\"columns\": [\"flight_time\", \"origin\", \"destination\", "
                + "\"distance_miles\", \"temperature\"], \"data\": [[\"%s\", \"%s\", \"%s\", %d, %s]]}}",
            row.getTimestamp(0).toInstant().toString().replace("Z", ""),
            row.getString(1),
            row.getString(2),
            row.getInt(3),
            temperature)
        .getBytes(StandardCharsets.UTF_8);
  }

  // mlflow models serve

  private static Process startMlflowServe(String python, Path modelDir, int port) throws Exception {
    Path log = modelDir.resolveSibling("mlflow-serve.log");
    Path mlflow = Path.of(python).resolveSibling("mlflow");
    ProcessBuilder builder =
        new ProcessBuilder(
                mlflow.toString(),
                "models",
                "serve",
                "-m",
                modelDir.toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "--env-manager",
                "local")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("PYSPARK_PYTHON", python);
    // mlflow runs uvicorn by name: the venv's bin must be on the PATH, as after activating it.
    builder
        .environment()
        .put(
            "PATH",
            mlflow.getParent()
                + java.io.File.pathSeparator
                + System.getenv().getOrDefault("PATH", ""));
    long started = System.nanoTime();
    Process process = builder.start();
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest ping =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mlflow models serve exited: " + Files.readString(log));
      }
      try {
        if (client.send(ping, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          System.out.printf(
              "mlflow models serve: up in %.0f s on port %d (--env-manager local)%n",
              (System.nanoTime() - started) / 1e9, port);
          return process;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("mlflow models serve did not start: " + Files.readString(log));
  }

  // The load generator

  /** The prediction answered for each body, one request at a time. */
  private static List<String> answers(Target target, List<byte[]> bodies) throws IOException {
    List<String> answers = new ArrayList<>();
    try (Connection connection = new Connection(target)) {
      for (byte[] body : bodies) {
        answers.add(connection.call(body).replaceAll("\\s", ""));
      }
    }
    return answers;
  }

  /**
   * Requests/s over {@code duration}, each connection sending its next request as soon as answered.
   */
  private static double closedLoop(
      Target target, List<byte[]> bodies, int connections, Duration duration)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      int offset = c;
      Thread thread =
          new Thread(
              () -> {
                try (Connection connection = new Connection(target)) {
                  for (int i = offset; System.nanoTime() < end; i += connections) {
                    if (!connection.ok(bodies.get(i % bodies.size()))) {
                      errors.incrementAndGet();
                    }
                    done.incrementAndGet();
                  }
                } catch (IOException e) {
                  errors.incrementAndGet();
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (errors.get() > 0) {
      System.out.println("  (" + errors.get() + " failed requests)");
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Sends {@code rate} requests/s for {@code duration} over {@code connections} connections, each
   * request at its scheduled time (or as soon as its connection is free), latency from that time.
   */
  private static Latency openLoop(
      Target target, List<byte[]> bodies, int rate, int connections, Duration duration)
      throws InterruptedException {
    int perConnection = (int) Math.max(1, rate * duration.toSeconds() / connections);
    long interval = TimeUnit.SECONDS.toNanos(1) * connections / rate;
    long[][] latencies = new long[connections][perConnection];
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int connectionIndex = c;
      Thread thread =
          new Thread(
              () -> {
                long first = start + interval * connectionIndex / connections;
                try (Connection connection = new Connection(target)) {
                  for (int i = 0; i < perConnection; i++) {
                    long scheduled = first + i * interval;
                    long wait = scheduled - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    if (!connection.ok(
                        bodies.get((i * connections + connectionIndex) % bodies.size()))) {
                      errors.incrementAndGet();
                    }
                    latencies[connectionIndex][i] = System.nanoTime() - scheduled;
                  }
                } catch (IOException e) {
                  errors.incrementAndGet();
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Latency(
        rate,
        all.length,
        errors.get(),
        millis(all, 0.50),
        millis(all, 0.99),
        all[all.length - 1] / 1e6);
  }

  private static double millis(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }

  /** One HTTP/1.1 keep-alive connection: writes a POST, reads the status line, headers and body. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] head;
    private final byte[] buffer = new byte[64 * 1024];

    Connection(Target target) throws IOException {
      socket = new Socket(target.host(), target.port());
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      head =
          ("POST /invocations HTTP/1.1\r\nHost: "
                  + target.host()
                  + ":"
                  + target.port()
                  + "\r\nContent-Type: application/json\r\nContent-Length: ")
              .getBytes(StandardCharsets.US_ASCII);
    }

    boolean ok(byte[] body) throws IOException {
      return send(body) == 200;
    }

    String call(byte[] body) throws IOException {
      int status = send(body);
      return status + " " + new String(buffer, 0, lastBodyLength, StandardCharsets.UTF_8);
    }

    private int lastBodyLength;

    private int send(byte[] body) throws IOException {
      out.write(head);
      out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      int read = 0;
      int headerEnd = -1;
      while (headerEnd < 0) {
        int n = in.read(buffer, read, buffer.length - read);
        if (n < 0) {
          throw new IOException("connection closed");
        }
        read += n;
        headerEnd = indexOf(buffer, read);
      }
      String headers = new String(buffer, 0, headerEnd, StandardCharsets.US_ASCII);
      int status = Integer.parseInt(headers.substring(9, 12));
      int length = contentLength(headers);
      int bodyRead = read - headerEnd - 4;
      System.arraycopy(buffer, headerEnd + 4, buffer, 0, bodyRead);
      while (bodyRead < length) {
        int n = in.read(buffer, bodyRead, length - bodyRead);
        if (n < 0) {
          throw new IOException("connection closed");
        }
        bodyRead += n;
      }
      lastBodyLength = length;
      return status;
    }

    private static int indexOf(byte[] data, int length) {
      for (int i = 3; i < length; i++) {
        if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') {
          return i - 3;
        }
      }
      return -1;
    }

    private static int contentLength(String headers) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
          return Integer.parseInt(line.substring(colon + 1).trim());
        }
      }
      throw new IllegalStateException("no Content-Length in " + headers);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
