package lakeops.monitoring;

import java.util.concurrent.Callable;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import lakeops.jobs.JobMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Job main of the monitoring step, for {@code spark-submit --class lakeops.monitoring.MonitorJob
 * lakeops-jobs.jar --env prod --monitor flights}: the arguments and output of {@code lakeops
 * monitor run}.
 */
@Command(
    name = "lakeops.monitoring.MonitorJob",
    description = "Refresh the metric tables (changed windows only) and evaluate alerts.")
public final class MonitorJob implements Callable<Integer> {

  @Option(
      names = {"-e", "--env"},
      paramLabel = "ENV",
      defaultValue =
          "${env:" + EnvironmentProperties.ENV_ENV + ":-" + EnvironmentProperties.ENV_DEFAULT + "}",
      description =
          "Environment: dev, staging or prod (default: $LAKEOPS_ENV or ${DEFAULT-VALUE}).")
  String environment;

  @Option(
      names = "--monitor",
      required = true,
      paramLabel = "NAME",
      description = "Monitor of conf/monitors/NAME.yml.")
  String monitor;

  private MonitorJob() {}

  /** Runs the step with {@code args} and exits with its code (see {@link JobMain}). */
  public static void main(String[] args) {
    JobMain.run(new MonitorJob(), args);
  }

  @Override
  public Integer call() {
    MonitorRun run = Monitors.of(environment, LakeOpsHome.current()).run(monitor);
    System.out.println(run.refresh());
    for (FiredAlert alert : run.firedAlerts()) {
      System.out.printf(
          "alert %s fired: %s = %s in window %s (%s)%n",
          alert.alertName(), alert.metric(), alert.value(), alert.windowStart(), alert.rule());
    }
    System.out.printf("%d alert(s) fired%n", run.firedAlerts().size());
    return 0;
  }
}
