package lakeops.sample;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Synthetic flights of the same shape as the real data set ({@value
 * SampleProperties#FLIGHTS_SCHEMA}), deterministic for a seed whatever the partitioning, of any
 * size. Drift and bad rows are opt-in:
 *
 * <pre>{@code
 * FlightsGenerator.flights(10_000).seed(7).shiftDelay(15).originSkew(4).nullDelays(0.02)
 *     .invalidRows(0.01).malformedRows(0.01).write(spark, landing, "csv", 3);
 * }</pre>
 *
 * <p>Every value is a hash of (seed, row id, column), so the same settings always give the same
 * rows. Delays are noise plus what a model can learn, as in the real data: flights from 17:00 on
 * leave {@value #EVENING_DELAY_MINUTES} minutes later and flights into the {@value #HUBS} busiest
 * airports {@value #HUB_DELAY_MINUTES} minutes later than the rest (the mean delay is kept).
 *
 * @param rows rows to generate
 * @param seed seed of every random choice
 * @param days days covered, from {@value SampleProperties#START_DATE_DEFAULT}
 * @param delayShift minutes added to every delay (drift of a numeric mean)
 * @param originSkew skew of the origin airport mix, 1 = uniform (drift of a category mix)
 * @param nullDelayFraction share of rows whose delay is null
 * @param invalidFraction share of well-formed rows that break the silver expectations (negative
 *     distance, or an origin that is not an airport code)
 * @param malformedFraction share of rows written as malformed records in CSV and JSON (a delay that
 *     is not a number); Parquet has no malformed rows
 * @param start the first day of the period
 */
public record FlightsGenerator(
    long rows,
    long seed,
    int days,
    double delayShift,
    double originSkew,
    double nullDelayFraction,
    double invalidFraction,
    double malformedFraction,
    LocalDate start) {

  /** Extra delay of flights leaving from 17:00 on. */
  static final int EVENING_DELAY_MINUTES = 30;

  /** Extra delay of flights into one of the busiest {@link #HUBS} airports. */
  static final int HUB_DELAY_MINUTES = 20;

  /** How many of the busiest airports delay their arrivals. */
  static final int HUBS = 6;

  /** Airports, busiest first, for the origin mix. */
  public static final List<String> AIRPORTS =
      List.of(
          "ATL", "ORD", "DFW", "LAX", "PHX", "IAH", "LAS", "DEN", "DTW", "MSP", "SFO", "EWR", "STL",
          "CLT", "SLC", "BOS", "SEA", "MCO", "PHL", "LGA", "CVG", "BWI", "MDW", "SAN", "TPA", "MIA",
          "PIT", "DCA", "MCI", "OAK");

  /** The code given to invalid rows' origin: not three capital letters. */
  public static final String INVALID_AIRPORT = "X1";

  /** Refuses negative counts, a skew of 0 or less and shares outside [0, 1]. */
  public FlightsGenerator {
    if (rows < 0) {
      throw SampleErrors.invalid("rows", rows, "0 or more");
    }
    if (days < 1) {
      throw SampleErrors.invalid("days", days, "1 or more");
    }
    java.util.Objects.requireNonNull(start, "start");
    if (originSkew <= 0) {
      throw SampleErrors.invalid("origin skew", originSkew, "more than 0");
    }
    checkFraction("null delay fraction", nullDelayFraction);
    checkFraction("invalid fraction", invalidFraction);
    checkFraction("malformed fraction", malformedFraction);
  }

  /** {@code rows} clean flights with the default seed, period and mix. */
  public static FlightsGenerator flights(long rows) {
    return new FlightsGenerator(
        rows,
        SampleProperties.SEED_DEFAULT,
        SampleProperties.DAYS_DEFAULT,
        0,
        SampleProperties.ORIGIN_SKEW_DEFAULT,
        0,
        0,
        0,
        LocalDate.parse(SampleProperties.START_DATE_DEFAULT));
  }

  /** The same flights from another seed. */
  public FlightsGenerator seed(long newSeed) {
    return new FlightsGenerator(
        rows,
        newSeed,
        days,
        delayShift,
        originSkew,
        nullDelayFraction,
        invalidFraction,
        malformedFraction,
        start);
  }

  /** The same flights spread over {@code newDays} days. */
  public FlightsGenerator days(int newDays) {
    return new FlightsGenerator(
        rows,
        seed,
        newDays,
        delayShift,
        originSkew,
        nullDelayFraction,
        invalidFraction,
        malformedFraction,
        start);
  }

  /** The same flights from {@code day} on (later months, to replay as new data). */
  public FlightsGenerator startingOn(LocalDate day) {
    return new FlightsGenerator(
        rows,
        seed,
        days,
        delayShift,
        originSkew,
        nullDelayFraction,
        invalidFraction,
        malformedFraction,
        day);
  }

  /** Drift: adds {@code minutes} to every delay. */
  public FlightsGenerator shiftDelay(double minutes) {
    return new FlightsGenerator(
        rows,
        seed,
        days,
        minutes,
        originSkew,
        nullDelayFraction,
        invalidFraction,
        malformedFraction,
        start);
  }

  /** Drift: changes the origin mix (1 = uniform, higher = more flights from the big hubs). */
  public FlightsGenerator originSkew(double skew) {
    return new FlightsGenerator(
        rows,
        seed,
        days,
        delayShift,
        skew,
        nullDelayFraction,
        invalidFraction,
        malformedFraction,
        start);
  }

  /** Drift: this share of delays is null. */
  public FlightsGenerator nullDelays(double fraction) {
    return new FlightsGenerator(
        rows,
        seed,
        days,
        delayShift,
        originSkew,
        fraction,
        invalidFraction,
        malformedFraction,
        start);
  }

  /** Bad rows: this share breaks the silver expectations. */
  public FlightsGenerator invalidRows(double fraction) {
    return new FlightsGenerator(
        rows,
        seed,
        days,
        delayShift,
        originSkew,
        nullDelayFraction,
        fraction,
        malformedFraction,
        start);
  }

  /** Bad rows: this share is written malformed in CSV and JSON. */
  public FlightsGenerator malformedRows(double fraction) {
    return new FlightsGenerator(
        rows,
        seed,
        days,
        delayShift,
        originSkew,
        nullDelayFraction,
        invalidFraction,
        fraction,
        start);
  }

  /** The flights, typed as the real data set. */
  public Dataset<Row> generate(SparkSession spark) {
    return generate(spark, 1).select("date", "delay", "distance", "origin", "destination");
  }

  /** How many rows {@link #write} writes malformed in a text format (0 for Parquet). */
  public long malformedCount(SparkSession spark) {
    return generate(spark, 1).where(col("_malformed")).count();
  }

  /**
   * Writes the flights as {@code files} new files of {@code format} (parquet; csv with a header;
   * json with one object a line) into {@code folder}, beside what is there; returns the rows
   * written. Files are written elsewhere first and then moved in, so a reader of the folder never
   * sees half a file.
   */
  public long write(SparkSession spark, String folder, String format, int files) {
    if (files < 1) {
      throw SampleErrors.invalid("files", files, "1 or more");
    }
    String extension = format.toLowerCase(Locale.ROOT);
    Path target = new Path(folder);
    Path staging =
        new Path(target.getParent(), "." + target.getName() + "-generating-" + UUID.randomUUID());
    Dataset<Row> flights = generate(spark, files);
    switch (extension) {
      case "parquet" -> flights.drop("_malformed").write().parquet(staging.toString());
      case "csv" -> asText(flights).write().option("header", "true").csv(staging.toString());
      case "json" -> flights.select(asJson(flights).as("value")).write().text(staging.toString());
      default -> throw SampleErrors.badFormat(format);
    }
    moveParts(spark, staging, target, extension);
    return rows;
  }

  private static void moveParts(SparkSession spark, Path staging, Path target, String extension) {
    try {
      FileSystem fs = staging.getFileSystem(spark.sessionState().newHadoopConf());
      fs.mkdirs(target);
      for (FileStatus part : fs.listStatus(staging)) {
        String name = part.getPath().getName();
        if (name.startsWith("part-")) {
          String base =
              name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.'));
          fs.rename(part.getPath(), new Path(target, base + "." + extension));
        }
      }
      fs.delete(staging, true);
    } catch (IOException e) {
      throw SampleErrors.cannotMove(target, e);
    }
  }

  private Dataset<Row> generate(SparkSession spark, int partitions) {
    int airports = AIRPORTS.size();
    String airportArray =
        "array("
            + String.join(", ", AIRPORTS.stream().map(code -> "'" + code + "'").toList())
            + ")";
    return spark
        .range(0, rows, 1, partitions)
        .withColumn(
            "_o", sql("CAST(FLOOR(POW(%s, %s) * %d) AS INT)", uniform(1), originSkew, airports))
        .withColumn(
            "_d",
            sql(
                "pmod(_o + 1 + CAST(FLOOR(%s * %d) AS INT), %d)",
                uniform(2), airports - 1, airports))
        .withColumn("origin", sql("element_at(%s, _o + 1)", airportArray))
        .withColumn("destination", sql("element_at(%s, _d + 1)", airportArray))
        .withColumn(
            "date",
            sql(
                "TIMESTAMP_NTZ '%s 00:00:00' + make_dt_interval(0, 0, "
                    + "CAST(FLOOR(%s * %d) AS INT), 0)",
                start, uniform(3), days * 24 * 60))
        .withColumn("distance", expr("CAST(100 + pmod(hash(origin, destination), 2400) AS BIGINT)"))
        .withColumn(
            "delay",
            sql(
                "CASE WHEN %s < %s THEN CAST(NULL AS BIGINT) ELSE "
                    + "CAST(ROUND(-8 + 22 * -LN(1 - %s) + 12 * (%s + %s - 1) + %s"
                    + " + %d * (IF(hour(date) >= 17, 1, 0) - 7.0 / 24)"
                    + " + %d * (IF(_d < %d, 1, 0) - %d.0 / %d)) AS BIGINT) END",
                uniform(7),
                nullDelayFraction,
                uniform(4),
                uniform(5),
                uniform(6),
                delayShift,
                EVENING_DELAY_MINUTES,
                HUB_DELAY_MINUTES,
                HUBS,
                HUBS,
                airports))
        .withColumn("_invalid", sql("%s < %s", uniform(8), invalidFraction))
        .withColumn("_half", sql("%s < 0.5", uniform(9)))
        .withColumn(
            "distance",
            when(col("_invalid").and(col("_half")), col("distance").multiply(-1))
                .otherwise(col("distance")))
        .withColumn(
            "origin",
            when(col("_invalid").and(col("_half").unary_$bang()), lit(INVALID_AIRPORT))
                .otherwise(col("origin")))
        .withColumn("_malformed", sql("%s < %s", uniform(10), malformedFraction))
        .select("date", "delay", "distance", "origin", "destination", "_malformed");
  }

  private static Column sql(String format, Object... args) {
    return expr(String.format(Locale.ROOT, format, args));
  }

  /** A uniform number in [0, 1) from the seed, the row id and a column number: SQL text. */
  private String uniform(int column) {
    return String.format(
        Locale.ROOT,
        "(pmod(xxhash64(CAST(%d AS BIGINT), %d, id), 1000000007) / 1000000007.0)",
        seed,
        column);
  }

  private static Dataset<Row> asText(Dataset<Row> flights) {
    return flights.select(
        date_format(col("date"), "yyyy-MM-dd'T'HH:mm:ss").as("date"),
        when(col("_malformed"), lit(SampleProperties.MALFORMED_VALUE))
            .otherwise(col("delay").cast("string"))
            .as("delay"),
        col("distance").cast("string").as("distance"),
        col("origin"),
        col("destination"));
  }

  private static Column asJson(Dataset<Row> flights) {
    Column date = date_format(col("date"), "yyyy-MM-dd'T'HH:mm:ss").as("date");
    Column good =
        to_json(struct(date, col("delay"), col("distance"), col("origin"), col("destination")));
    Column bad =
        to_json(
            struct(
                date,
                lit(SampleProperties.MALFORMED_VALUE).as("delay"),
                col("distance"),
                col("origin"),
                col("destination")));
    return when(col("_malformed"), bad).otherwise(good);
  }

  private static void checkFraction(String name, double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw SampleErrors.invalid(name, fraction, "a share between 0 and 1");
    }
  }
}
