package lakeops.quickstart;

import java.util.List;

/** Settings of the quickstart and the whole-architecture run, with their defaults. */
public final class QuickstartProperties {

  private QuickstartProperties() {}

  /** Rows of synthetic flights per environment with {@code --small}. */
  public static final long SMALL_ROWS = 4_000;

  /** The actor the quickstart approves and promotes as, in {@code ml.deployments}. */
  public static final String ACTOR = "quickstart";

  /** The table of newest gold flights the quickstart batch-scores, in each environment. */
  public static final String SCORING_TABLE = "ml.quickstart_scoring";

  /** Days of newest gold flights in the scoring table. */
  public static final int SCORING_DAYS = 7;

  /** Later flights replayed in prod as traffic and new data (real-data run). */
  public static final long REPLAY_ROWS_DEFAULT = 20_000;

  /** Days the replayed later flights cover. */
  public static final int REPLAY_DAYS = 14;

  /** The drift of the replayed flights: minutes added to every delay. */
  public static final double REPLAY_DELAY_SHIFT_MINUTES = 25;

  /**
   * The share of the real flights dev builds from: data scientists iterate on a sample of what prod
   * ingests, with the same code.
   */
  public static final double DEV_SAMPLE_FRACTION = 0.1;

  /**
   * Label rows above which the quickstart's quicker model trains on a seeded hash sample of them
   * (about this many rows); the real config trains on every row.
   */
  public static final long QUICK_TRAINING_ROWS = 500_000;

  /**
   * The niceness dev's stage runs at beside staging and prod: prod waits only for staging's tests,
   * so dev's own run takes the cores they leave.
   */
  public static final int DEV_STAGE_NICENESS = 10;

  /**
   * JIT options of every stage's JVM, before the options it inherits (which win): C2 compiles only
   * the hottest code (20 times the default tier-4 thresholds). In a stage's JVM, minutes long and
   * mostly one-off Spark planning, C2's compiler threads took 45% of the CPU; with these a {@code
   * --small} dev stage used 19% less CPU.
   */
  public static final List<String> STAGE_JVM_OPTIONS =
      List.of(
          "-XX:Tier4InvocationThreshold=100000",
          "-XX:Tier4MinInvocationThreshold=12000",
          "-XX:Tier4CompileThreshold=300000",
          "-XX:Tier4BackEdgeThreshold=800000");

  /** Trees of the quickstart's quicker model (the real config stays in conf/models). */
  public static final int QUICK_MAX_ITER = 10;

  /** Summary key of the fingerprint an environment's stage passed with. */
  public static final String FINGERPRINT_KEY = "fingerprint";

  /** Summary key of the seconds an environment's stage took when it last ran. */
  public static final String SECONDS_KEY = "seconds";

  /** The port the summary suggests for the SQL endpoint (Spark Connect's usual one). */
  public static final int SQL_ENDPOINT_PORT = 15002;

  /** Folder of the quickstart's own files (summaries, the quicker model) in the lakehouse. */
  public static final String WORK_DIR = "quickstart";
}
