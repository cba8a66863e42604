package lakeops.ingest;

import lakeops.cli.LakeOps;

/**
 * Job main of the silver step, for {@code spark-submit --class lakeops.ingest.SilverJob
 * lakeops-jobs.jar --env dev --table dev.silver.flights}: the same as {@code lakeops silver}.
 */
public final class SilverJob {

  private SilverJob() {}

  public static void main(String[] args) {
    System.exit(LakeOps.execute(Jobs.command("silver", args)));
  }
}
