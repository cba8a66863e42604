package lakeops.serving;

import lakeops.cli.LakeOps;

/**
 * Job main of online serving, for {@code spark-submit --class lakeops.serving.ServeJob
 * lakeops-jobs.jar --env prod --model flight_delay@champion --port 8080}: the same as {@code
 * lakeops serve}; it runs until stopped (SIGTERM appends the last inference-log rows).
 */
public final class ServeJob {

  private ServeJob() {}

  /** Runs {@code lakeops serve} with {@code args} and exits with its code. */
  public static void main(String[] args) {
    String[] command = new String[args.length + 1];
    command[0] = "serve";
    System.arraycopy(args, 0, command, 1, args.length);
    System.exit(LakeOps.execute(command));
  }
}
