package lakeops.jobs.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** A task main that fails its first N runs, counted in a file: {@code FlakyMain COUNTER_FILE N}. */
public final class FlakyMain {

  private FlakyMain() {}

  public static void main(String[] args) throws Exception {
    Path counter = Path.of(args[0]);
    int runs = Files.exists(counter) ? Integer.parseInt(Files.readString(counter).strip()) + 1 : 1;
    Files.writeString(counter, Integer.toString(runs));
    if (runs <= Integer.parseInt(args[1])) {
      System.err.println("Error: flaky failure " + runs);
      System.exit(3);
    }
    System.out.println("flaky succeeded on run " + runs);
  }
}
