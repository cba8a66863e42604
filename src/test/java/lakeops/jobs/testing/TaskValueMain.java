package lakeops.jobs.testing;

import lakeops.jobs.TaskValues;

/** A task main that sets a task value: {@code TaskValueMain KEY VALUE}. */
public final class TaskValueMain {

  private TaskValueMain() {}

  public static void main(String[] args) {
    if (!TaskValues.set(args[0], args[1])) {
      System.err.println("Error: not in a job run");
      System.exit(2);
    }
  }
}
