package lakeops.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lakeops.bench.PitJoinData.Table;

/**
 * DuckDB's {@code ASOF LEFT JOIN} of the three feature tables onto the labels, over the Parquet
 * files the benchmark wrote, with each table's lookback applied to the matched row (as the oracle
 * test does), materialised by the same aggregate over every output column as the Spark plans.
 */
final class DuckDbAsOf implements AutoCloseable {

  private final Connection connection;

  DuckDbAsOf(int threads, String memoryLimit) throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET threads = " + threads);
      statement.execute("SET memory_limit = '" + memoryLimit + "'");
      statement.execute("SET TimeZone = 'UTC'");
    }
  }

  /** The statement to time, for {@code data}'s Parquet files. */
  static String query(PitJoinData data) {
    StringBuilder sql =
        new StringBuilder("WITH r0 AS (SELECT * FROM read_parquet('")
            .append(data.labelsParquet())
            .append("/*.parquet'))");
    for (int i = 0; i < PitJoinData.TABLES.size(); i++) {
      Table t = PitJoinData.TABLES.get(i);
      String known = "f." + t.ts() + " >= l.label_ts - INTERVAL " + t.lookback().toDays() + " DAY";
      sql.append(", r")
          .append(i + 1)
          .append(" AS (SELECT l.*, CASE WHEN ")
          .append(known)
          .append(" THEN f.")
          .append(t.seq())
          .append(" END AS ")
          .append(t.seq())
          .append(", CASE WHEN ")
          .append(known)
          .append(" THEN f.")
          .append(t.value())
          .append(" END AS ")
          .append(t.value())
          .append(" FROM r")
          .append(i)
          .append(" l ASOF LEFT JOIN read_parquet('")
          .append(data.featuresParquet(t))
          .append("/*.parquet') f ON l.")
          .append(t.key())
          .append(" = f.")
          .append(t.key())
          .append(" AND l.label_ts >= f.")
          .append(t.ts())
          .append(")");
    }
    List<String> aggregates =
        new ArrayList<>(
            List.of(
                "count(*)",
                "sum(label_id)",
                "sum(label)",
                "count(label_ts)",
                "sum(epoch_us(label_ts) % 1000003)"));
    PitJoinData.TABLES.forEach(t -> aggregates.add("sum(" + t.key() + ")"));
    PitJoinData.TABLES.forEach(
        t -> {
          aggregates.add("count(" + t.seq() + ")");
          aggregates.add("sum((label_id % 1009) * (" + t.seq() + " % 1000003))");
        });
    PitJoinData.TABLES.forEach(t -> aggregates.add("sum(" + t.value() + ")"));
    return sql.append(" SELECT ")
        .append(String.join(", ", aggregates))
        .append(" FROM r")
        .append(PitJoinData.TABLES.size())
        .toString();
  }

  /** Runs the as-of join of {@code data}; cancelled after {@code timeoutSeconds}. */
  Checksum run(PitJoinData data, long timeoutSeconds, ScheduledExecutorService timer)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      ScheduledFuture<?> cancel =
          timer.schedule(
              () -> {
                try {
                  statement.cancel();
                } catch (SQLException e) {
                  // the query ended meanwhile
                }
              },
              timeoutSeconds,
              TimeUnit.SECONDS);
      try (ResultSet result = statement.executeQuery(query(data))) {
        cancel.cancel(false);
        result.next();
        int columns = result.getMetaData().getColumnCount();
        List<String> exact = new ArrayList<>();
        List<Double> approximate = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          if (i <= columns - PitJoinData.TABLES.size()) {
            String value = result.getString(i);
            exact.add(value == null ? "null" : value);
          } else {
            double value = result.getDouble(i);
            approximate.add(result.wasNull() ? null : value);
          }
        }
        return new Checksum(exact, approximate);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
