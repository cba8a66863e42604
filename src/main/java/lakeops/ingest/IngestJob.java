package lakeops.ingest;

import lakeops.cli.LakeOps;

/**
 * Job main of the bronze step, for {@code spark-submit --class lakeops.ingest.IngestJob
 * lakeops-jobs.jar --env dev --source <folder> --table dev.bronze.flights}: the same as {@code lakeops
 * ingest}.
 */
public final class IngestJob {

  private IngestJob() {}

  public static void main(String[] args) {
    System.exit(LakeOps.execute(Jobs.command("ingest", args)));
  }
}
