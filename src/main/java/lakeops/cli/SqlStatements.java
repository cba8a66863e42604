package lakeops.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements at semicolons outside quotes ({@code '…'}, {@code "…"},
 * {@code `…`}) and comments ({@code -- …}, {@code /* … *}{@code /}).
 */
final class SqlStatements {

  private SqlStatements() {}

  static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < script.length(); i++) {
      char c = script.charAt(i);
      char next = i + 1 < script.length() ? script.charAt(i + 1) : 0;
      if (quote != 0) {
        current.append(c);
        if (c == '\\' && quote != '`' && next != 0) {
          current.append(next);
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '-' && next == '-') {
        int end = script.indexOf('\n', i);
        i = end < 0 ? script.length() : end;
        current.append('\n');
      } else if (c == '/' && next == '*') {
        int end = script.indexOf("*/", i + 2);
        i = end < 0 ? script.length() : end + 1;
        current.append(' ');
      } else if (c == ';') {
        addIfNotBlank(statements, current);
        current.setLength(0);
      } else {
        if (c == '\'' || c == '"' || c == '`') {
          quote = c;
        }
        current.append(c);
      }
    }
    addIfNotBlank(statements, current);
    return statements;
  }

  private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
    String text = statement.toString().strip();
    if (!text.isEmpty()) {
      statements.add(text);
    }
  }
}
