package lakeops.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.exceptions.LakeOpsException;

/**
 * An ephemeral Spark standalone cluster on loopback: Spark's own {@code Master} and N {@code
 * Worker}s from the Spark jars, on free ports, for the length of one job run. There is no Spark
 * distribution, so the cluster gets a {@code SPARK_HOME} of its own whose {@code jars/} links the
 * classpath's jars (workers build executor command lines from it).
 */
final class StandaloneCluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final String masterUrl;
  private final int masterUiPort;
  private final List<Process> processes = new ArrayList<>();
  private final Thread stopOnExit = new Thread(this::stopAll, "lakeops-stop-cluster");

  private StandaloneCluster(Path dir, String masterUrl, int masterUiPort) {
    this.dir = dir;
    this.masterUrl = masterUrl;
    this.masterUiPort = masterUiPort;
  }

  /**
   * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each,
   * with state and logs under {@code dir}; returns once every worker has registered.
   */
  public static StandaloneCluster start(
      LakeOpsHome home, SparkRuntime runtime, Path dir, int workers, int cores, String memory) {
    int masterPort = freePort();
    int uiPort = freePort();
    StandaloneCluster cluster =
        new StandaloneCluster(dir, "spark://" + JobProperties.LOOPBACK + ":" + masterPort, uiPort);
    Runtime.getRuntime().addShutdownHook(cluster.stopOnExit);
    try {
      Path sparkHome = sparkHome(home, runtime, dir);
      cluster.launch(
          runtime,
          sparkHome,
          "master",
          List.of(
              JobProperties.MASTER_CLASS,
              "--host",
              JobProperties.LOOPBACK,
              "--port",
              Integer.toString(masterPort),
              "--webui-port",
              Integer.toString(uiPort)));
      for (int i = 0; i < workers; i++) {
        Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
        cluster.launch(
            runtime,
            sparkHome,
            "worker-" + i,
            List.of(
                JobProperties.WORKER_CLASS,
                "--host",
                JobProperties.LOOPBACK,
                "--webui-port",
                Integer.toString(freePort()),
                "--cores",
                Integer.toString(cores),
                "--memory",
                memory,
                "--work-dir",
                workDir.toString(),
                cluster.masterUrl));
      }
      cluster.awaitWorkers(workers);
      return cluster;
    } catch (LakeOpsException e) {
      cluster.close();
      throw e;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw JobErrors.clusterFailed(dir, e.getMessage(), e);
    }
  }

  /** The master URL tasks are submitted to. */
  public String masterUrl() {
    return masterUrl;
  }

  /** Workers the master has registered as alive. */
  public int aliveWorkers() {
    JsonNode state = masterState();
    return state == null ? 0 : state.path("aliveworkers").asInt(0);
  }

  private void launch(SparkRuntime runtime, Path sparkHome, String name, List<String> mainAndArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(runtime.java().toString());
    command.add("-Xmx" + JobProperties.DAEMON_MEMORY);
    command.addAll(runtime.jvmOptions());
    command.add("-Dlog4j2.configurationFile=" + sparkHome.resolve("conf/log4j2.properties"));
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_LOCAL_IP", JobProperties.LOOPBACK);
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    synchronized (processes) {
      processes.add(builder.start());
    }
  }

  private void awaitWorkers(int workers) {
    long deadline = System.nanoTime() + JobProperties.CLUSTER_START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw JobErrors.clusterFailed(
              dir, "a cluster process exited with code " + process.exitValue(), null);
        }
      }
      if (aliveWorkers() >= workers) {
        return;
      }
      sleep(500);
    }
    throw JobErrors.clusterFailed(
        dir,
        "the workers did not register within "
            + JobProperties.CLUSTER_START_TIMEOUT.toSeconds()
            + " s",
        null);
  }

  private JsonNode masterState() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create("http://" + JobProperties.LOOPBACK + ":" + masterUiPort + "/json/")
                  .toURL()
                  .openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(2000);
      try (InputStream in = connection.getInputStream()) {
        return JSON.readTree(in);
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return null;
    }
  }

  /** Stops the workers (and their executors), then the master. */
  @Override
  public void close() {
    stopAll();
    Processes.forget(stopOnExit);
  }

  private void stopAll() {
    List<Process> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
      processes.clear();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      Processes.stopTree(all.get(i));
    }
  }

  /**
   * A SPARK_HOME for the daemons: {@code jars/} links the runtime's jars, {@code conf/} our
   * logging.
   */
  private static Path sparkHome(LakeOpsHome home, SparkRuntime runtime, Path dir)
      throws IOException {
    Path sparkHome = dir.resolve("spark-home");
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (String entry : runtime.classpath()) {
      Path jar = Path.of(entry);
      Path link = jars.resolve(jar.getFileName().toString());
      if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(link)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
    Path conf = Files.createDirectories(sparkHome.resolve("conf"));
    Path log4j = home.root().resolve(EnvironmentProperties.LOG4J2_FILE);
    if (Files.isRegularFile(log4j)) {
      Files.copy(log4j, conf.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.writeString(conf.resolve("log4j2.properties"), "rootLogger.level = warn\n");
    }
    return sparkHome;
  }

  private static int freePort() {
    try (ServerSocket socket =
        new ServerSocket(0, 1, java.net.InetAddress.getByName(JobProperties.LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw JobErrors.noFreePort(JobProperties.LOOPBACK, e);
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw JobErrors.clusterFailed(dir, "interrupted", e);
    }
  }
}
