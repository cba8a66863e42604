package lakeops.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import lakeops.exceptions.ValidationException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** File formats a landing folder may hold. CSV files have a header line; JSON files hold one object a line. */
public enum SourceFormat {
  PARQUET("parquet", false),
  CSV("csv", true),
  JSON("json", true);

  private final String sparkName;
  private final boolean text;

  SourceFormat(String sparkName, boolean text) {
    this.sparkName = sparkName;
    this.text = text;
  }

  /** The Spark data source name. */
  public String sparkName() {
    return sparkName;
  }

  /** Whether records are text that may be malformed (CSV, JSON); Parquet files are typed. */
  public boolean isText() {
    return text;
  }

  /** {@code parquet}, {@code csv} or {@code json}, any case. */
  public static SourceFormat parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ValidationException("Invalid format '" + name + "': expected parquet, csv or json");
    }
  }

  /** The format called {@code name} when given, else the format {@link #detect detected} in {@code folder}. */
  public static SourceFormat parseOrDetect(String name, String folder, Configuration hadoopConf) {
    return name == null ? detect(folder, hadoopConf) : parse(name);
  }

  /** The format of the visible files of {@code folder}, from their extension (.parquet, .csv, .json). */
  public static SourceFormat detect(String folder, Configuration hadoopConf) {
    Path path = new Path(folder);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      ValidationException.check(fs.isDirectory(path), "Invalid source %s: not a folder", folder);
      return Arrays.stream(fs.listStatus(path)).filter(FileStatus::isFile)
          .map(status -> status.getPath().getName())
          .filter(name -> !name.startsWith(".") && !name.startsWith("_"))
          .map(SourceFormat::ofFileName).filter(java.util.Objects::nonNull).findFirst()
          .orElseThrow(() -> new ValidationException("Invalid source " + folder
              + ": no .parquet, .csv or .json file to tell its format from (give --format)"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list source " + folder, e);
    }
  }

  private static SourceFormat ofFileName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".parquet")) {
      return PARQUET;
    }
    if (lower.endsWith(".csv")) {
      return CSV;
    }
    return lower.endsWith(".json") || lower.endsWith(".jsonl") ? JSON : null;
  }
}
