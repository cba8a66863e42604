package lakeops.cli;

import java.util.concurrent.Callable;
import lakeops.sample.FlightsGenerator;
import lakeops.sample.SampleProperties;
import lakeops.session.SessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakeops generate --out <folder> --rows 10000 --format csv}: writes synthetic flights of
 * the sample data's shape, seedable, with drift and bad rows on demand.
 */
@Command(name = "generate", description = "Write synthetic flights (drift and bad rows on demand).")
final class GenerateCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FOLDER",
      description = "Folder to add files to.")
  String out;

  @Option(
      names = "--rows",
      defaultValue = "10000",
      description = "Rows (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--format",
      defaultValue = "parquet",
      description = "parquet, csv or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--files", defaultValue = "1", description = "Files (default: ${DEFAULT-VALUE}).")
  int files;

  @Option(
      names = "--seed",
      defaultValue = "" + SampleProperties.SEED_DEFAULT,
      description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--days",
      defaultValue = "" + SampleProperties.DAYS_DEFAULT,
      description =
          "Days covered from "
              + SampleProperties.START_DATE_DEFAULT
              + " (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--shift-delay",
      defaultValue = "0",
      paramLabel = "MINUTES",
      description = "Drift: minutes added to every delay.")
  double shiftDelay;

  @Option(
      names = "--origin-skew",
      defaultValue = "" + SampleProperties.ORIGIN_SKEW_DEFAULT,
      description =
          "Drift: origin mix, 1 = uniform, higher = more hub flights (default: ${DEFAULT-VALUE}).")
  double originSkew;

  @Option(
      names = "--null-delays",
      defaultValue = "0",
      paramLabel = "SHARE",
      description = "Drift: share of null delays.")
  double nullDelays;

  @Option(
      names = "--invalid-rows",
      defaultValue = "0",
      paramLabel = "SHARE",
      description = "Bad rows: share breaking the silver expectations.")
  double invalidRows;

  @Option(
      names = "--malformed-rows",
      defaultValue = "0",
      paramLabel = "SHARE",
      description = "Bad rows: share written malformed (csv and json).")
  double malformedRows;

  @Override
  public Integer call() {
    FlightsGenerator generator =
        FlightsGenerator.flights(rows)
            .seed(seed)
            .days(days)
            .shiftDelay(shiftDelay)
            .originSkew(originSkew)
            .nullDelays(nullDelays)
            .invalidRows(invalidRows)
            .malformedRows(malformedRows);
    long written = generator.write(SessionFactory.create(env.name), out, format, files);
    System.out.printf(
        "Wrote %d rows in %d %s file%s to %s%n",
        written, files, format, files == 1 ? "" : "s", out);
    return 0;
  }
}
