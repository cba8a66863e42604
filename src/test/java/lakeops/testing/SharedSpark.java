package lakeops.testing;

import lakeops.env.Environments;
import lakeops.env.LakeOpsHome;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: the {@code dev} environment of a fresh test home, in {@code
 * local[2]}. Tests that need another environment run it in a child process.
 */
public abstract class SharedSpark {

  private static LakeOpsHome home;
  private static Environments environments;
  private static SparkSession spark;

  protected static synchronized SparkSession spark() {
    if (spark == null) {
      home = TestHome.create("shared");
      environments = Environments.load(home);
      // Small data: few partitions keep Delta's state reconstruction and shuffles quick on 2 cores.
      System.setProperty("spark.master", "local[2]");
      System.setProperty("spark.sql.shuffle.partitions", "2");
      System.setProperty("spark.default.parallelism", "2");
      System.setProperty("spark.databricks.delta.snapshotPartitions", "2");
      spark = SessionFactory.create(environments, "dev");
    }
    return spark;
  }

  protected static LakeOpsHome home() {
    spark();
    return home;
  }

  protected static Environments environments() {
    spark();
    return environments;
  }

  /** Runs one SQL statement, {@code String.format}-style, and returns its result. */
  protected static Dataset<Row> sql(String format, Object... args) {
    return spark().sql(args.length == 0 ? format : String.format(format, args));
  }
}
