package lakeops.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import lakeops.exceptions.InvalidConfigException;
import lakeops.exceptions.LakeOpsException;
import lakeops.exceptions.SchemaMismatchException;
import lakeops.exceptions.ValidationException;

/**
 * Every error the feature store reports, in the two fixed forms {@code Invalid <thing>: <problem>}
 * and {@code Cannot <verb> <thing>: <reason>}, each naming the table, lookup or file involved.
 */
final class FeatureErrors {

  private FeatureErrors() {}

  // Feature tables and their specs

  static ValidationException invalidTableName(String name) {
    return invalid("feature table name '%s'", "expected catalog.schema.table", name);
  }

  static ValidationException noPrimaryKey(String table) {
    return invalid("feature table %s", "at least one primary key is required", table);
  }

  static ValidationException timestampKeyIsPrimaryKey(String table, String timestampKey) {
    return invalid(
        "feature table %s", "timestamp key %s must not also be a primary key", table, timestampKey);
  }

  static ValidationException noComputedSpec() {
    return new ValidationException("Invalid computed feature table: no spec");
  }

  static ValidationException emptyQuery(String table) {
    return invalid("computed feature table %s", "the query is empty", table);
  }

  static ValidationException tableExists(String table) {
    return cannot("create", "feature table %s", "it already exists", table);
  }

  static ValidationException keyNotInSchema(String table, String key, List<String> columns) {
    return cannot(
        "create", "feature table %s", "key column %s is not in the schema %s", table, key, columns);
  }

  static ValidationException timestampKeyType(String table, String key, String type) {
    return cannot(
        "create",
        "feature table %s",
        "timestamp key %s is %s, expected a timestamp or date",
        table,
        key,
        type);
  }

  static ValidationException noSuchCatalog(String table, String catalog) {
    return cannot("find", "feature table %s", "no table catalog %s", table, catalog);
  }

  static ValidationException noSuchTable(String table) {
    return cannot("find", "feature table %s", "no such table", table);
  }

  static LakeOpsException cannotLoad(String table, Exception cause) {
    return new LakeOpsException(
        String.format("Cannot load feature table %s: %s", table, cause.getMessage()), cause);
  }

  static LakeOpsException notAFeatureTable(String table, String why) {
    return new LakeOpsException(
        String.format(
            "Cannot read feature table %s: it is not a feature table "
                + "(%s); create it with FeatureStore.createTable",
            table, why));
  }

  // Writes

  static SchemaMismatchException keyMissingFromRows(
      String table, String key, List<String> columns) {
    return new SchemaMismatchException(
        String.format(
            "Cannot write feature table %s: key column %s is missing from the rows (they have %s)",
            table, key, columns));
  }

  static SchemaMismatchException typeChange(
      String table, String column, String tableType, String rowsType) {
    return new SchemaMismatchException(
        String.format(
            "Cannot write feature table %s: column %s is %s in the table but %s in the rows "
                + "(type changes are refused; cast the column or write a new feature)",
            table, column, tableType, rowsType));
  }

  static ValidationException nullKeys(String table, List<String> keys, Object examples) {
    return cannot(
        "write", "feature table %s", "null in key columns %s, e.g. %s", table, keys, examples);
  }

  static ValidationException duplicateKeys(String table, List<String> keys, Object examples) {
    return cannot(
        "write",
        "feature table %s",
        "duplicate keys %s in one write (key values and count): %s",
        table,
        keys,
        examples);
  }

  /** {@code what} is the verb and table: {@code overwrite feature table x}. */
  static LakeOpsException dropped(String what, Exception cause) {
    return new LakeOpsException("Cannot " + what + ": the table was dropped while writing", cause);
  }

  // Lookups and training sets

  static ValidationException negativeLookback(String table, Object lookback) {
    return invalid("feature lookup of %s", "lookback %s is negative", table, lookback);
  }

  static ValidationException keyCount(
      String table, List<String> lookupKeys, List<String> primaryKeys) {
    return invalid(
        "feature lookup of %s",
        "%d lookup keys %s for primary keys %s", table, lookupKeys.size(), lookupKeys, primaryKeys);
  }

  static ValidationException noLabelColumn(String table, String column, List<String> labelColumns) {
    return invalid(
        "feature lookup of %s",
        "the labels have no column %s (they have %s)", table, column, labelColumns);
  }

  static ValidationException noFeature(String table, String feature) {
    return invalid("feature lookup of %s", "no feature %s", table, feature);
  }

  static ValidationException knownAtWithoutTimestamp(String table) {
    return invalid(
        "feature lookup of %s",
        "asKnownAt needs a time-series table (it has no timestamp key)", table);
  }

  static ValidationException asOfMissing(String table, String timestampKey) {
    return invalid(
        "feature lookup of %s",
        "it is a time-series table (timestamp key %s); say asOf(labelTimeColumn)",
        table,
        timestampKey);
  }

  static ValidationException noLabelTimeColumn(String table, String column) {
    return invalid("feature lookup of %s", "the labels have no time column %s", table, column);
  }

  static ValidationException changeFeedOff(String table, String property) {
    return invalid(
        "feature lookup of %s",
        "asKnownAt reads the table's change data feed, which is "
            + "off; enable it with ALTER TABLE %s SET TBLPROPERTIES ('%s' = 'true') (it records writes "
            + "from then on)",
        table,
        table,
        property);
  }

  static SchemaMismatchException featureClash(String feature, String table, String column) {
    return new SchemaMismatchException(
        String.format(
            "Cannot look up feature %s of %s: the labels already have a column %s (rename it with "
                + "FeatureLookup.rename)",
            feature, table, column));
  }

  static ValidationException noLookups() {
    return new ValidationException("Cannot retrieve a feature range: no feature lookups given");
  }

  static ValidationException rangeEndsBeforeStart(Instant from, Instant to) {
    return invalid("feature range [%s, %s]", "it ends before it starts", from, to);
  }

  static ValidationException rangeNeedsTimeSeries(String table) {
    return cannot(
        "retrieve",
        "a feature range from %s",
        "the first lookup must be of a time-series table, with asOf(..)",
        table);
  }

  // Files: feature specs, model feature specs

  static ValidationException noSpecTable(String table, Path location) {
    return cannot(
        "compute", "feature table %s", "not declared in the specs at %s", table, location);
  }

  static ValidationException noSpecs(Path location) {
    return cannot("load", "feature specs from %s", "no such file or folder", location);
  }

  static UncheckedIOException cannotList(Path location, IOException cause) {
    return new UncheckedIOException(
        "Cannot list feature specs in " + location + ": " + cause.getMessage(), cause);
  }

  static InvalidConfigException noModelFeatureSpec(Path modelDir) {
    return new InvalidConfigException(
        String.format(
            "Invalid model folder %s: no %s (the model was not "
                + "trained from a feature-store training set)",
            modelDir, FeatureProperties.FEATURE_SPEC_FILE));
  }

  static InvalidConfigException badModelFeatureSpec(Path file, Exception cause) {
    return new InvalidConfigException(
        String.format("Invalid model feature spec %s: %s", file, cause.getMessage()), cause);
  }

  static UncheckedIOException cannotWrite(Path file, IOException cause) {
    return new UncheckedIOException("Cannot write " + file + ": " + cause.getMessage(), cause);
  }

  static UncheckedIOException cannotDownload(String modelUri, IOException cause) {
    return new UncheckedIOException(
        "Cannot download model "
            + modelUri
            + ": cannot create a temporary folder ("
            + cause.getMessage()
            + ")",
        cause);
  }

  private static ValidationException invalid(String thing, String problem, Object... args) {
    return new ValidationException(String.format("Invalid " + thing + ": " + problem, args));
  }

  private static ValidationException cannot(
      String verb, String thing, String reason, Object... args) {
    return new ValidationException(
        String.format("Cannot " + verb + " " + thing + ": " + reason, args));
  }
}
