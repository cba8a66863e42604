package lakeops.sample;

/** Names and defaults of the sample-data area. */
public final class SampleProperties {

  private SampleProperties() {}

  /** Script that fetches and verifies the real data set, relative to the installation. */
  public static final String FETCH_SCRIPT = "scripts/fetch-sample-data";

  /** Environment variable of the fetch script: the landing folder it writes to. */
  public static final String LANDING_DIR_ENV = "LAKEOPS_LANDING_DIR";

  /** Landing folder of the flights data, relative to the home's {@code .lakehouse/}. */
  public static final String FLIGHTS_LANDING = "landing/flights";

  /** File name of the real data set (3,000,000 rows, January to June 2001). */
  public static final String FLIGHTS_FILE = "flights-3m.parquet";

  /** Columns of the flights data, real and synthetic, as a Spark DDL schema. */
  public static final String FLIGHTS_SCHEMA =
      "date TIMESTAMP_NTZ, delay BIGINT, distance BIGINT, origin STRING, destination STRING";

  /** Seed of the generator when none is given. */
  public static final long SEED_DEFAULT = 42L;

  /** Days covered by generated flights, from {@link #START_DATE_DEFAULT}. */
  public static final int DAYS_DEFAULT = 181;

  /** First day of generated flights, as in the real data. */
  public static final String START_DATE_DEFAULT = "2001-01-01";

  /** Skew of the origin mix: 1 is uniform over airports, higher favours the big hubs. */
  public static final double ORIGIN_SKEW_DEFAULT = 2.0;

  /**
   * Environment variable: when a positive number, {@code lakeops quickstart} builds the pipeline
   * from that many synthetic flights instead of fetching the real file (tests use it to stay
   * small).
   */
  public static final String QUICKSTART_SYNTHETIC_ROWS_ENV = "LAKEOPS_QUICKSTART_SYNTHETIC_ROWS";

  /**
   * Landing folder of the quickstart's synthetic flights, relative to the home's {@code
   * .lakehouse/}.
   */
  public static final String SYNTHETIC_LANDING = "landing/flights-synthetic";

  /**
   * Landing folder of a seeded sample of the real flights, relative to the home's {@code
   * .lakehouse/}; the fraction is appended ({@code landing/flights-sample-0.1}).
   */
  public static final String SAMPLE_LANDING = "landing/flights-sample-";

  /** Text written in place of a number in malformed CSV and JSON rows. */
  public static final String MALFORMED_VALUE = "n/a";
}
