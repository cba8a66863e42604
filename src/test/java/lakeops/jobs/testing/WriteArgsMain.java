package lakeops.jobs.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A task main that writes its other arguments, a line each, to a file: {@code WriteArgsMain FILE
 * ARGS…}.
 */
public final class WriteArgsMain {

  private WriteArgsMain() {}

  public static void main(String[] args) throws Exception {
    Files.write(Path.of(args[0]), Arrays.asList(args).subList(1, args.length));
  }
}
