package lakeops.monitoring;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import lakeops.env.LakeOpsHome;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Monitoring's entry point: the monitors of one folder of specs ({@code conf/monitors/} of a
 * LakeOps home), refreshed, alerted on and reported in one environment.
 *
 * <p>{@code Monitors.of("prod", home).run("flights")} refreshes the profile and drift metric tables
 * of {@code conf/monitors/flights.yml} (changed windows only) and evaluates its alerts.
 */
public final class Monitors {

  /** The report file {@code lakeops monitor report} writes by default. */
  public static final String REPORT_FILE_DEFAULT = MonitorProperties.REPORT_FILE_DEFAULT;

  private final Supplier<SparkSession> spark;
  private final String environment;
  private final Path directory;

  private Monitors(Supplier<SparkSession> spark, String environment, Path directory) {
    this.spark = spark;
    this.environment = environment;
    this.directory = directory;
  }

  /**
   * The monitors of {@code home}'s {@code conf/monitors/}, run in {@code environment}, whose
   * session is created once a monitor's spec has been read.
   */
  public static Monitors of(String environment, LakeOpsHome home) {
    return new Monitors(
        () -> SessionFactory.create(environment), environment, MonitorSpecs.directory(home));
  }

  /** The monitors of {@code directory} ({@code <name>.yml} files), run in {@code spark}. */
  public static Monitors of(SparkSession spark, String environment, Path directory) {
    return new Monitors(() -> spark, environment, directory);
  }

  /** What each monitor of {@code home}'s {@code conf/monitors/} watches, by name. */
  public static List<MonitorInfo> list(LakeOpsHome home) {
    return MonitorSpecs.list(MonitorSpecs.directory(home)).stream().map(Monitors::info).toList();
  }

  /** Refreshes the metric tables of monitor {@code name} (changed windows only). */
  public RefreshResult refresh(String name) {
    MonitorSpec spec = spec(name);
    return MonitorRefresh.of(spark.get(), environment, spec).execute();
  }

  /** Refreshes the metric tables of monitor {@code name}, then evaluates its alerts. */
  public MonitorRun run(String name) {
    MonitorSpec spec = spec(name);
    SparkSession session = spark.get();
    RefreshResult refresh = MonitorRefresh.of(session, environment, spec).execute();
    List<FiredAlert> fired = AlertEvaluation.of(session, environment, spec).execute();
    return new MonitorRun(refresh, fired);
  }

  /** Writes the self-contained HTML report of monitor {@code name} to {@code file}. */
  public Path report(String name, Path file) {
    MonitorSpec spec = spec(name);
    return MonitorReport.of(spark.get(), environment, spec).write(file);
  }

  private MonitorSpec spec(String name) {
    return MonitorSpecs.load(directory, name);
  }

  private static MonitorInfo info(MonitorSpec spec) {
    return new MonitorInfo(
        spec.name(),
        spec.profileType().name().toLowerCase(Locale.ROOT),
        spec.table(),
        spec.granularities().stream().map(MonitorSpec.Granularity::text).toList(),
        spec.slicingExpressions(),
        spec.alerts().size());
  }
}
