package lakeops.ingest;

import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Job main of the gold step, for {@code spark-submit --class lakeops.ingest.GoldJob
 * lakeops-jobs.jar --env dev --source dev.silver.flights}: the arguments and output of {@code
 * lakeops gold}.
 */
@Command(
    name = "lakeops.ingest.GoldJob",
    description = "Build gold.flights and gold.airport_daily from silver flights.")
public final class GoldJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environment;

  @Option(
      names = "--source",
      defaultValue = "silver.flights",
      paramLabel = "TABLE",
      description = "Silver flights table (default: ${DEFAULT-VALUE}).")
  String source;

  private GoldJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new GoldJob(), args);
  }

  @Override
  public Integer call() {
    Medallion medallion = Medallion.of(SessionFactory.create(environment), LakeOpsHome.current());
    System.out.println(medallion.buildGold(source));
    return 0;
  }
}
