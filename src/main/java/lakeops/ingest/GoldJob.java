package lakeops.ingest;

import lakeops.cli.LakeOps;

/**
 * Job main of the gold step, for {@code spark-submit --class lakeops.ingest.GoldJob lakeops-jobs.jar
 * --env dev --source dev.silver.flights}: the same as {@code lakeops gold}.
 */
public final class GoldJob {

  private GoldJob() {}

  public static void main(String[] args) {
    System.exit(LakeOps.execute(Jobs.command("gold", args)));
  }
}
