package lakeops.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/** Prints a query result as an aligned table, CSV (RFC 4180) or JSON lines. */
final class ResultPrinter {

  /** Output formats of {@code lakeops sql}. */
  enum Format {
    TABLE,
    CSV,
    JSON
  }

  private final PrintStream out;
  private final Format format;
  private final int maxRows;

  ResultPrinter(PrintStream out, Format format, int maxRows) {
    this.out = out;
    this.format = format;
    this.maxRows = maxRows;
  }

  void print(Dataset<Row> result) {
    if (result.schema().isEmpty()) {
      return;
    }
    if (format == Format.JSON) {
      result.toJSON().takeAsList(maxRows).forEach(out::println);
      return;
    }
    List<Row> rows = result.takeAsList(maxRows + 1);
    boolean truncated = rows.size() > maxRows;
    if (truncated) {
      rows = rows.subList(0, maxRows);
    }
    List<String> header = new ArrayList<>();
    for (StructField field : result.schema().fields()) {
      header.add(field.name());
    }
    List<List<String>> cells = new ArrayList<>();
    for (Row row : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        line.add(
            row.isNullAt(i) ? (format == Format.CSV ? "" : "NULL") : String.valueOf(row.get(i)));
      }
      cells.add(line);
    }
    if (format == Format.CSV) {
      printCsv(header, cells);
    } else {
      printTable(header, cells);
      out.printf(
          "(%d row%s%s)%n",
          rows.size(), rows.size() == 1 ? "" : "s", truncated ? ", truncated at --max-rows" : "");
    }
  }

  private void printCsv(List<String> header, List<List<String>> cells) {
    out.println(csvLine(header));
    cells.forEach(line -> out.println(csvLine(line)));
  }

  private static String csvLine(List<String> values) {
    List<String> escaped = new ArrayList<>();
    for (String value : values) {
      boolean quote =
          value.contains(",")
              || value.contains("\"")
              || value.contains("\n")
              || value.contains("\r");
      escaped.add(quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value);
    }
    return String.join(",", escaped);
  }

  private void printTable(List<String> header, List<List<String>> cells) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> line : cells) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    String rule = rule(widths);
    out.println(rule);
    out.println(tableLine(header, widths));
    out.println(rule);
    cells.forEach(line -> out.println(tableLine(line, widths)));
    out.println(rule);
  }

  private static String rule(int[] widths) {
    StringBuilder line = new StringBuilder("+");
    for (int width : widths) {
      line.append("-".repeat(width + 2)).append('+');
    }
    return line.toString();
  }

  private static String tableLine(List<String> values, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int i = 0; i < widths.length; i++) {
      line.append(' ')
          .append(values.get(i))
          .append(" ".repeat(widths[i] - values.get(i).length()))
          .append(" |");
    }
    return line.toString();
  }
}
