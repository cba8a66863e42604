package lakeops.ingest;

/** The command line of a job main: its CLI command followed by the job's arguments. */
final class Jobs {

  private Jobs() {}

  static String[] command(String name, String[] args) {
    String[] command = new String[args.length + 1];
    command[0] = name;
    System.arraycopy(args, 0, command, 1, args.length);
    return command;
  }
}
