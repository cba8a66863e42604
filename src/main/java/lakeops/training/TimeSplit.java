package lakeops.training;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * A time-based train / validation / test split: the latest {@code test} share of the rows (by the
 * label time) is the test set, the {@code validation} share before it the validation set, the rest
 * the training set. Cut-offs are approximate quantiles of the time column; rows exactly at a
 * cut-off go to the later set, so no training row is later than any validation or test row.
 *
 * @param train rows before {@code validationStart}
 * @param validation rows in [{@code validationStart}, {@code testStart})
 * @param test rows from {@code testStart}
 * @param validationStart first time of the validation set
 * @param testStart first time of the test set
 */
record TimeSplit(
    Dataset<Row> train,
    Dataset<Row> validation,
    Dataset<Row> test,
    Timestamp validationStart,
    Timestamp testStart) {

  /** Splits {@code rows} on {@code timeColumn}. */
  public static TimeSplit of(
      Dataset<Row> rows, String timeColumn, double validationShare, double testShare) {
    if (validationShare < 0 || testShare <= 0 || validationShare + testShare >= 1) {
      throw TrainingErrors.badSplit(validationShare, testShare);
    }
    Column seconds =
        col("`" + timeColumn + "`").cast(DataTypes.TimestampType).cast(DataTypes.DoubleType);
    Dataset<Row> times = rows.select(seconds.as("t")).where(col("t").isNotNull());
    double[] cuts =
        times
            .stat()
            .approxQuantile(
                "t", new double[] {1 - testShare - validationShare, 1 - testShare}, 0.0001);
    if (cuts.length != 2) {
      throw TrainingErrors.noTimes(timeColumn);
    }
    Timestamp validationStart = new Timestamp((long) (cuts[0] * 1000));
    Timestamp testStart = new Timestamp((long) (cuts[1] * 1000));
    Column time = col("`" + timeColumn + "`").cast(DataTypes.TimestampType);
    return new TimeSplit(
        rows.where(time.lt(functions.lit(validationStart))),
        rows.where(time.geq(functions.lit(validationStart)).and(time.lt(functions.lit(testStart)))),
        rows.where(time.geq(functions.lit(testStart))),
        validationStart,
        testStart);
  }
}
