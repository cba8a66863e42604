package lakeops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads one column's values from JSON or CSV text as the Java value a Spark row of the column's
 * type holds, refusing what would not convert safely (a fraction for an integer, text for a
 * number), as MLflow's schema enforcement does. Date-times are ISO 8601; one without an offset is
 * UTC.
 */
enum ColumnReader {
  STRING("a string"),
  DOUBLE("a number"),
  FLOAT("a number"),
  INTEGER("an integer"),
  LONG("an integer"),
  BOOLEAN("true or false"),
  BINARY("base64 text"),
  TIMESTAMP("an ISO 8601 date-time string");

  /** What a value must be, for error messages ({@code must be an integer}). */
  final String expected;

  ColumnReader(String expected) {
    this.expected = expected;
  }

  static ColumnReader of(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return STRING;
    } else if (type.equals(DataTypes.DoubleType)) {
      return DOUBLE;
    } else if (type.equals(DataTypes.FloatType)) {
      return FLOAT;
    } else if (type.equals(DataTypes.IntegerType)) {
      return INTEGER;
    } else if (type.equals(DataTypes.LongType)) {
      return LONG;
    } else if (type.equals(DataTypes.BooleanType)) {
      return BOOLEAN;
    } else if (type.equals(DataTypes.BinaryType)) {
      return BINARY;
    }
    return TIMESTAMP;
  }

  /**
   * The value of a JSON node (null for JSON null); null return from a non-null node means refused.
   */
  Object fromJson(JsonNode node) {
    return switch (this) {
      case STRING -> node.isTextual() ? node.textValue() : null;
      case DOUBLE -> node.isNumber() ? (Double) node.doubleValue() : null;
      case FLOAT -> node.isNumber() ? (Float) node.floatValue() : null;
      case INTEGER ->
          node.isIntegralNumber() && node.canConvertToInt() ? (Integer) node.intValue() : null;
      case LONG ->
          node.isIntegralNumber() && node.canConvertToLong() ? (Long) node.longValue() : null;
      case BOOLEAN -> node.isBoolean() ? (Boolean) node.booleanValue() : null;
      case BINARY, TIMESTAMP -> node.isTextual() ? fromText(node.textValue()) : null;
    };
  }

  /** The value of CSV text (empty is null); null return from non-empty text means refused. */
  Object fromText(String text) {
    try {
      return switch (this) {
        case STRING -> text;
        case DOUBLE -> Double.valueOf(text.strip());
        case FLOAT -> Float.valueOf(text.strip());
        case INTEGER -> Integer.valueOf(text.strip());
        case LONG -> Long.valueOf(text.strip());
        case BOOLEAN -> bool(text.strip());
        case BINARY -> Base64.getDecoder().decode(text.strip());
        case TIMESTAMP -> timestamp(text.strip());
      };
    } catch (IllegalArgumentException | DateTimeParseException e) { // NumberFormatException too
      return null;
    }
  }

  private static Boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> null;
    };
  }

  private static Timestamp timestamp(String text) {
    String iso =
        text.length() > 10 && text.charAt(10) == ' '
            ? text.substring(0, 10) + 'T' + text.substring(11)
            : text;
    if (iso.length() == 10) {
      return Timestamp.from(LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant());
    }
    Instant instant;
    if (iso.endsWith("Z") || iso.endsWith("z")) {
      instant = Instant.parse(iso.substring(0, iso.length() - 1) + "Z");
    } else if (iso.length() > 19 && (iso.lastIndexOf('+') > 18 || iso.lastIndexOf('-') > 18)) {
      instant = OffsetDateTime.parse(iso).toInstant();
    } else {
      instant = LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    }
    return Timestamp.from(instant);
  }
}
