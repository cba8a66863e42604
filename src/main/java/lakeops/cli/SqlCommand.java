package lakeops.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lakeops.exceptions.ValidationException;
import lakeops.session.SessionFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeops sql --env dev "SELECT …; …"}: runs SQL in an environment's session and prints the
 * result of every statement that returns columns.
 */
@Command(
    name = "sql",
    description = "Run SQL statements in an environment and print their results.")
final class SqlCommand implements Callable<Integer> {

  @Mixin EnvironmentOption env;

  @Parameters(
      arity = "0..1",
      paramLabel = "SQL",
      description = "Statements separated by ';'. Omit to read --file or standard input.")
  String sql;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Read statements from FILE.")
  Path file;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "Output: table, csv or json (one object a line). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--max-rows",
      defaultValue = "1000",
      description = "Rows printed at most per result.")
  int maxRows;

  @Override
  public Integer call() throws Exception {
    ResultPrinter.Format outputFormat = parseFormat(format);
    List<String> statements = SqlStatements.split(script());
    ValidationException.check(!statements.isEmpty(), "Invalid SQL: no statement given");
    SparkSession spark = SessionFactory.create(env.name);
    ResultPrinter printer = new ResultPrinter(System.out, outputFormat, maxRows);
    for (String statement : statements) {
      Dataset<Row> result = spark.sql(statement);
      printer.print(result);
    }
    System.out.flush();
    return 0;
  }

  private String script() throws java.io.IOException {
    ValidationException.check(
        sql == null || file == null, "Invalid arguments: give SQL or --file, not both");
    if (sql != null) {
      return sql;
    }
    if (file != null) {
      ValidationException.check(Files.isRegularFile(file), "Invalid --file %s: no such file", file);
      return Files.readString(file, StandardCharsets.UTF_8);
    }
    return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static ResultPrinter.Format parseFormat(String format) {
    try {
      return ResultPrinter.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ValidationException(
          "Invalid --format '" + format + "': expected table, csv or json");
    }
  }
}
