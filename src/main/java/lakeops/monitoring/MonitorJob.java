package lakeops.monitoring;

import lakeops.cli.LakeOps;

/**
 * Job main of the monitoring step, for {@code spark-submit --class lakeops.monitoring.MonitorJob
 * lakeops-jobs.jar --env prod --monitor flights}: the same as {@code lakeops monitor run}.
 */
public final class MonitorJob {

  private MonitorJob() {}

  /** Runs {@code lakeops monitor run} with {@code args} and exits with its code. */
  public static void main(String[] args) {
    String[] command = new String[args.length + 2];
    command[0] = "monitor";
    command[1] = "run";
    System.arraycopy(args, 0, command, 2, args.length);
    System.exit(LakeOps.execute(command));
  }
}
