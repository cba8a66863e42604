package lakeops.sqlserver;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakeops sql-server --env prod --port 15002}, and the job main for {@code spark-submit
 * --class lakeops.sqlserver.SqlServerJob lakeops-jobs.jar …}: serves the environment's catalogs
 * over Spark Connect until stopped (SIGTERM or Ctrl-C let the queries in flight finish).
 */
@Command(
    name = "sql-server",
    description =
        "Serve an environment's catalogs over Spark Connect (the SQL endpoint): "
            + "pyspark --remote sc://HOST:PORT, notebooks, the Spark Connect JVM client.")
public final class SqlServerJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environment;

  @Option(
      names = "--port",
      defaultValue = "" + SqlServerProperties.PORT_DEFAULT,
      paramLabel = "PORT",
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--host",
      defaultValue = SqlServerProperties.HOST_DEFAULT,
      paramLabel = "ADDRESS",
      description = "Address to bind (default ${DEFAULT-VALUE}: this machine only).")
  String host;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Require the token in FILE's first line.")
  Path tokenFile;

  @Option(
      names = "--token-env",
      defaultValue = SqlServerProperties.TOKEN_ENV_DEFAULT,
      paramLabel = "VAR",
      description =
          "Require the token in environment variable VAR, if it is set (default ${DEFAULT-VALUE}).")
  String tokenEnv;

  /** The command, for picocli (as {@code lakeops sql-server}) and {@link #main}. */
  public SqlServerJob() {}

  /** Serves until stopped, with {@code args} as {@code lakeops sql-server} takes them. */
  public static void main(String[] args) {
    JobMain.run(new SqlServerJob(), args);
  }

  @Override
  public Integer call() throws InterruptedException {
    LakeOpsHome home = LakeOpsHome.current();
    SqlServerSpec.Builder spec = SqlServerSpec.builder().host(host).port(port);
    if (tokenFile != null) {
      spec.tokenFromFile(home.resolve(tokenFile.toString()));
    } else {
      spec.tokenFromEnvironment(tokenEnv);
    }
    SqlServerSpec built = spec.build();
    SparkSession spark = SessionFactory.create(environment);
    SqlServer server = SqlServer.start(spark, built);
    System.out.printf(
        "SQL endpoint of environment %s on %s%s%n",
        server.environment(), server.url(), server.requiresToken() ? " (token required)" : "");
    System.out.printf(
        "  pyspark --remote %s   then: spark.sql(\"SELECT * FROM %s.monitoring.alerts\")%n",
        server.url(), server.environment());
    System.out.flush();
    server.awaitClose();
    return 0;
  }
}
