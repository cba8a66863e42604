package lakeops.ingest;

import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Job main of the silver step, for {@code spark-submit --class lakeops.ingest.SilverJob
 * lakeops-jobs.jar --env dev --table dev.silver.flights}: the arguments and output of {@code
 * lakeops silver}.
 */
@Command(
    name = "lakeops.ingest.SilverJob",
    description = "Refine new source rows into a silver table under its expectations.")
public final class SilverJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environment;

  @Option(
      names = "--table",
      defaultValue = "silver.flights",
      paramLabel = "TABLE",
      description =
          "Silver table; its spec is conf/expectations/<schema>.<table>.yml "
              + "(default: ${DEFAULT-VALUE}).")
  String table;

  private SilverJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new SilverJob(), args);
  }

  @Override
  public Integer call() {
    Medallion medallion = Medallion.of(SessionFactory.create(environment), LakeOpsHome.current());
    SilverResult result = medallion.refine(table);
    System.out.println(result);
    return 0;
  }
}
