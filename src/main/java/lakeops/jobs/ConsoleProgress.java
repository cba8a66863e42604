package lakeops.jobs;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Progress of a run on the terminal: one line per state change of the run and of each task. */
public final class ConsoleProgress implements RunListener {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintStream out;

  /** Progress printed to {@code out}. */
  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void changed(RunRecord r) {
    String when = TIME.format(r.endTime() != null ? r.endTime() : r.startTime());
    String who = r.isJob() ? "job " + r.jobName() + " run " + r.runId() : "  task " + r.taskKey();
    StringBuilder line =
        new StringBuilder(when).append(' ').append(who).append(' ').append(r.lifeCycleState());
    if (r.resultState() != null) {
      line.append(' ').append(r.resultState());
    }
    if (!r.isJob() && (r.attempt() > 0 || r.lifeCycleState() == LifeCycleState.RUNNING)) {
      line.append(" (attempt ").append(r.attempt() + 1).append(')');
    }
    if (r.lifeCycleState() == LifeCycleState.RUNNING && !r.master().isEmpty()) {
      line.append(" on ").append(r.master());
    }
    if (r.endTime() != null && r.lifeCycleState() == LifeCycleState.TERMINATED) {
      line.append(String.format(" in %.1f s", r.duration().toMillis() / 1000.0));
    }
    if (!r.stateMessage().isEmpty()) {
      line.append(": ").append(r.stateMessage());
    }
    if (!r.taskValues().isEmpty()) {
      line.append(" values ").append(r.taskValues());
    }
    out.println(line);
    out.flush();
  }
}
