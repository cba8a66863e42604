package lakeops.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the body of {@code POST /invocations} into rows of the request schema, as MLflow's scoring
 * server accepts it: JSON with one of {@code dataframe_split} ({@code {"columns": [...], "data":
 * [[...]]}}), {@code dataframe_records} ({@code [{...}]}), {@code instances} or {@code inputs}
 * (records, rows of values in column order, or for {@code inputs} also {@code {"col": [...]}}), and
 * optionally {@code params} (ignored); or CSV with a header. Every column must be there, no other,
 * each value of its column's type; anything else is a {@link RequestException} saying what.
 */
final class RequestParser {

  static final List<String> FORMATS =
      List.of("dataframe_split", "dataframe_records", "instances", "inputs");

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private final StructType schema;
  private final List<String> names;
  private final Map<String, Integer> positions = new HashMap<>();
  private final ColumnReader[] readers;
  private final int maxRows;

  RequestParser(StructType schema, int maxRows) {
    this.schema = schema;
    this.names = List.of(schema.fieldNames());
    this.readers = new ColumnReader[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      positions.put(schema.fields()[i].name(), i);
      readers[i] = ColumnReader.of(schema.fields()[i].dataType());
    }
    this.maxRows = maxRows;
  }

  int maxRows() {
    return maxRows;
  }

  /** The rows of {@code body}, sent as {@code contentType}. */
  List<Object[]> parse(String contentType, InputStream body, int length) {
    if (length == 0) {
      throw ServingErrors.emptyBody();
    }
    String type =
        contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
    List<Object[]> rows =
        switch (type) {
          case "application/json" -> json(body);
          case "text/csv" -> csv(body);
          default ->
              throw ServingErrors.unsupportedType(contentType == null ? "(none)" : contentType);
        };
    if (rows.isEmpty()) {
      throw ServingErrors.noRows();
    }
    return rows;
  }

  private List<Object[]> json(InputStream body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ServingErrors.notJson(e.getOriginalMessage());
    } catch (IOException e) {
      throw ServingErrors.notJson(e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw ServingErrors.emptyBody();
    }
    if (!root.isObject()) {
      throw ServingErrors.noFormat(FORMATS);
    }
    List<String> given = new ArrayList<>();
    for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (FORMATS.contains(key)) {
        given.add(key);
      } else if (!key.equals("params")) {
        throw ServingErrors.unknownKey(key, FORMATS);
      }
    }
    if (given.size() != 1) {
      throw given.isEmpty() ? ServingErrors.noFormat(FORMATS) : ServingErrors.twoFormats(given);
    }
    String format = given.get(0);
    JsonNode value = root.get(format);
    return switch (format) {
      case "dataframe_split" -> split(value);
      case "dataframe_records" -> records(value, format);
      case "instances" -> instances(value, format);
      default -> value.isObject() ? columns(value) : instances(value, format);
    };
  }

  /** {@code {"columns": [...], "data": [[...], ...]}} (an {@code index} is ignored). */
  private List<Object[]> split(JsonNode split) {
    if (!split.isObject() || !split.path("columns").isArray() || !split.path("data").isArray()) {
      throw ServingErrors.notA("an object with arrays columns and data", "dataframe_split");
    }
    int[] order = order(split.get("columns"));
    JsonNode data = split.get("data");
    checkCount(data.size());
    List<Object[]> rows = new ArrayList<>(data.size());
    for (int r = 0; r < data.size(); r++) {
      JsonNode values = data.get(r);
      if (!values.isArray()) {
        throw ServingErrors.notA("an array of values", "row " + r + " of dataframe_split.data");
      }
      if (values.size() != order.length) {
        throw ServingErrors.rowWidth(r, values.size(), order.length);
      }
      Object[] row = new Object[readers.length];
      for (int c = 0; c < order.length; c++) {
        row[order[c]] = value(order[c], r, values.get(c));
      }
      rows.add(row);
    }
    return rows;
  }

  /** A list of records, or of rows of values in column order. */
  private List<Object[]> instances(JsonNode list, String format) {
    if (!list.isArray()) {
      throw ServingErrors.notA("an array of rows", format);
    }
    if (!list.isEmpty() && list.get(0).isObject()) {
      return records(list, format);
    }
    checkCount(list.size());
    List<Object[]> rows = new ArrayList<>(list.size());
    for (int r = 0; r < list.size(); r++) {
      JsonNode values = list.get(r);
      if (!values.isArray()) {
        throw ServingErrors.notA("an array of records or of arrays of values", format);
      }
      if (values.size() != readers.length) {
        throw ServingErrors.rowWidth(r, values.size(), readers.length);
      }
      Object[] row = new Object[readers.length];
      for (int c = 0; c < readers.length; c++) {
        row[c] = value(c, r, values.get(c));
      }
      rows.add(row);
    }
    return rows;
  }

  private List<Object[]> records(JsonNode records, String format) {
    if (!records.isArray()) {
      throw ServingErrors.notA("an array of records", format);
    }
    checkCount(records.size());
    List<Object[]> rows = new ArrayList<>(records.size());
    for (int r = 0; r < records.size(); r++) {
      JsonNode record = records.get(r);
      if (!record.isObject()) {
        throw ServingErrors.notA("an object", "row " + r + " of " + format);
      }
      Object[] row = new Object[readers.length];
      int seen = 0;
      for (Map.Entry<String, JsonNode> field : record.properties()) {
        int position = position(field.getKey());
        row[position] = value(position, r, field.getValue());
        seen++;
      }
      if (seen != readers.length) {
        throw ServingErrors.missingColumn(firstMissing(record), r);
      }
      rows.add(row);
    }
    return rows;
  }

  /** {@code {"col": [values], ...}}, or one row as {@code {"col": value, ...}}. */
  private List<Object[]> columns(JsonNode columns) {
    int count = -1;
    for (Map.Entry<String, JsonNode> field : columns.properties()) {
      position(field.getKey());
      int size = field.getValue().isArray() ? field.getValue().size() : 1;
      if (count >= 0 && size != count) {
        throw ServingErrors.badRequest(
            "the columns of inputs have different lengths (%d and %d)", count, size);
      }
      count = size;
    }
    for (String name : names) {
      if (!columns.has(name)) {
        throw ServingErrors.missingColumn(name, 0);
      }
    }
    checkCount(Math.max(count, 0));
    List<Object[]> rows = new ArrayList<>(count);
    for (int r = 0; r < count; r++) {
      Object[] row = new Object[readers.length];
      for (int c = 0; c < readers.length; c++) {
        JsonNode column = columns.get(names.get(c));
        row[c] = value(c, r, column.isArray() ? column.get(r) : column);
      }
      rows.add(row);
    }
    return rows;
  }

  private List<Object[]> csv(InputStream body) {
    List<List<String>> records;
    try {
      records = CsvRecords.read(new String(body.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ServingErrors.notCsv(e.getMessage());
    }
    if (records.isEmpty()) {
      throw ServingErrors.emptyBody();
    }
    JsonNode header = JSON.valueToTree(records.get(0));
    int[] order = order(header);
    checkCount(records.size() - 1);
    List<Object[]> rows = new ArrayList<>(records.size() - 1);
    for (int r = 1; r < records.size(); r++) {
      List<String> values = records.get(r);
      if (values.size() != order.length) {
        throw ServingErrors.rowWidth(r - 1, values.size(), order.length);
      }
      Object[] row = new Object[readers.length];
      for (int c = 0; c < order.length; c++) {
        row[order[c]] = text(order[c], r - 1, values.get(c));
      }
      rows.add(row);
    }
    return rows;
  }

  /** Positions of named columns; every column of the schema once, no other. */
  private int[] order(JsonNode columnNames) {
    int[] order = new int[columnNames.size()];
    boolean[] seen = new boolean[readers.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = position(columnNames.get(i).asText());
      if (seen[order[i]]) {
        throw ServingErrors.duplicateColumn(names.get(order[i]));
      }
      seen[order[i]] = true;
    }
    for (int c = 0; c < seen.length; c++) {
      if (!seen[c]) {
        throw ServingErrors.missingColumn(names.get(c), 0);
      }
    }
    return order;
  }

  private int position(String column) {
    Integer position = positions.get(column);
    if (position == null) {
      throw ServingErrors.unknownColumn(column, names);
    }
    return position;
  }

  private String firstMissing(JsonNode record) {
    return names.stream().filter(name -> !record.has(name)).findFirst().orElse("?");
  }

  private Object value(int column, int row, JsonNode node) {
    if (node == null || node.isNull()) {
      return nullValue(column, row);
    }
    Object value = readers[column].fromJson(node);
    if (value == null) {
      throw ServingErrors.badValue(
          names.get(column), row, readers[column].expected, node.toString());
    }
    return value;
  }

  private Object text(int column, int row, String text) {
    if (text.isEmpty()) {
      return nullValue(column, row);
    }
    Object value = readers[column].fromText(text);
    if (value == null) {
      throw ServingErrors.badValue(
          names.get(column), row, readers[column].expected, "'" + text + "'");
    }
    return value;
  }

  private Object nullValue(int column, int row) {
    StructField field = schema.fields()[column];
    if (!field.nullable()) {
      throw ServingErrors.requiredNull(field.name(), row);
    }
    return null;
  }

  private void checkCount(int rows) {
    if (rows > maxRows) {
      throw ServingErrors.tooManyRows(rows, maxRows);
    }
  }
}
