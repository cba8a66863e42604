package lakeops.ingest;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * File formats a landing folder may hold. CSV files have a header line; JSON files hold one object
 * a line.
 */
enum SourceFormat {
  /** Parquet files: typed, never malformed. */
  PARQUET("parquet", false),
  /** CSV files with a header line. */
  CSV("csv", true),
  /** JSON files, one object a line. */
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
      throw IngestErrors.badFormat(name);
    }
  }

  /**
   * The format called {@code name} when given, else the format {@link #detect detected} in {@code
   * folder}.
   */
  public static SourceFormat parseOrDetect(String name, String folder, Configuration hadoopConf) {
    return name == null ? detect(folder, hadoopConf) : parse(name);
  }

  /**
   * The format of the visible files of {@code folder}, from their extension (.parquet, .csv,
   * .json).
   */
  public static SourceFormat detect(String folder, Configuration hadoopConf) {
    Path path = new Path(folder);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      if (!fs.isDirectory(path)) {
        throw IngestErrors.notAFolder(folder);
      }
      return Arrays.stream(fs.listStatus(path))
          .filter(FileStatus::isFile)
          .map(status -> status.getPath().getName())
          .filter(name -> !name.startsWith(".") && !name.startsWith("_"))
          .map(SourceFormat::ofFileName)
          .filter(java.util.Objects::nonNull)
          .findFirst()
          .orElseThrow(() -> IngestErrors.noFormatToDetect(folder));
    } catch (IOException e) {
      throw IngestErrors.cannot("list source " + folder, e);
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
