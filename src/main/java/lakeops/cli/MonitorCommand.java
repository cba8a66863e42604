package lakeops.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lakeops.env.LakeOpsHome;
import lakeops.monitoring.FiredAlert;
import lakeops.monitoring.MonitorInfo;
import lakeops.monitoring.MonitorRun;
import lakeops.monitoring.Monitors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakeops monitor run|report|list}: refresh a monitor's profile and drift metric tables and
 * evaluate its alerts, write its HTML report, or list the monitors of {@code conf/monitors/}.
 */
@Command(
    name = "monitor",
    description = "Refresh monitors, evaluate their alerts, write reports.",
    subcommands = {
      MonitorCommand.Run.class,
      MonitorCommand.Report.class,
      MonitorCommand.ListMonitors.class
    })
final class MonitorCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code lakeops monitor run --env dev --monitor flights}. */
  @Command(
      name = "run",
      description = "Refresh the metric tables (changed windows only) and evaluate alerts.")
  static final class Run implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Option(
        names = "--monitor",
        required = true,
        paramLabel = "NAME",
        description = "Monitor of conf/monitors/NAME.yml.")
    String monitor;

    @Override
    public Integer call() {
      MonitorRun run = Monitors.of(env.name, LakeOpsHome.current()).run(monitor);
      System.out.println(run.refresh());
      for (FiredAlert alert : run.firedAlerts()) {
        System.out.printf(
            "alert %s fired: %s = %s in window %s (%s)%n",
            alert.alertName(), alert.metric(), alert.value(), alert.windowStart(), alert.rule());
      }
      System.out.printf("%d alert(s) fired%n", run.firedAlerts().size());
      return 0;
    }
  }

  /** {@code lakeops monitor report --env prod --monitor flights --output report.html}. */
  @Command(name = "report", description = "Write a self-contained HTML report with charts.")
  static final class Report implements Callable<Integer> {
    @Mixin EnvironmentOption env;

    @Option(
        names = "--monitor",
        required = true,
        paramLabel = "NAME",
        description = "Monitor name.")
    String monitor;

    @Option(
        names = "--output",
        defaultValue = Monitors.REPORT_FILE_DEFAULT,
        paramLabel = "FILE",
        description = "HTML file to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Override
    public Integer call() {
      Path written = Monitors.of(env.name, LakeOpsHome.current()).report(monitor, output);
      System.out.println("report written to " + written.toAbsolutePath());
      return 0;
    }
  }

  /** {@code lakeops monitor list}. */
  @Command(name = "list", description = "List the monitors of conf/monitors/.")
  static final class ListMonitors implements Callable<Integer> {
    @Override
    public Integer call() {
      for (MonitorInfo m : Monitors.list(LakeOpsHome.current())) {
        System.out.printf(
            "%-20s %-14s %-30s granularities=%s slices=%s alerts=%d%n",
            m.name(),
            m.profileType(),
            m.table(),
            m.granularities(),
            m.slicingExpressions(),
            m.alerts());
      }
      return 0;
    }
  }
}
