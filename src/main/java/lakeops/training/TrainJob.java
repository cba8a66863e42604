package lakeops.training;

import lakeops.cli.LakeOps;

/**
 * Job main of training, for {@code spark-submit --class lakeops.training.TrainJob lakeops-jobs.jar
 * --env dev --model conf/models/flight_delay.yml}: the same as {@code lakeops train}.
 */
public final class TrainJob {

  private TrainJob() {}

  public static void main(String[] args) {
    String[] command = new String[args.length + 1];
    command[0] = "train";
    System.arraycopy(args, 0, command, 1, args.length);
    System.exit(LakeOps.execute(command));
  }
}
