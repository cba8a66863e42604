package lakeops.jobs.testing;

/** A task main that sleeps: {@code SleepMain MILLIS}. */
public final class SleepMain {

  private SleepMain() {}

  public static void main(String[] args) throws Exception {
    Thread.sleep(Long.parseLong(args[0]));
  }
}
