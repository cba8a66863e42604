package lakeops.features;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a training set takes features from one feature table: which label columns hold the table's
 * primary keys ({@link #on}), which holds the label time ({@link #asOf}), how old a feature row may
 * be ({@link #lookback}), and which features to take, renamed or defaulted. Immutable: every method
 * returns a new lookup.
 *
 * <p>By default a feature row counts from its timestamp; {@link #asKnownAt} also requires it to
 * have been written (committed) by the label time.
 *
 * <pre>{@code FeatureLookup.of("prod.features.airport_daily").on("origin").asOf("dep_time")
 *     .lookback(Duration.ofDays(28)).rename("avg_delay_7d", "origin_avg_delay_7d")}</pre>
 */
public record FeatureLookup(
    String table,
    List<String> lookupKeys,
    Optional<String> timestampLookupKey,
    Optional<Duration> lookbackWindow,
    List<String> features,
    Map<String, String> renames,
    Map<String, Object> defaults,
    boolean knownAt) {

  /** Copies the lists and maps; refuses a negative lookback. */
  public FeatureLookup {
    lookupKeys = List.copyOf(lookupKeys);
    features = List.copyOf(features);
    renames = Map.copyOf(renames);
    defaults = Map.copyOf(defaults);
    if (lookbackWindow.isPresent() && lookbackWindow.get().isNegative()) {
      throw FeatureErrors.negativeLookback(table, lookbackWindow.get());
    }
  }

  /**
   * A lookup of every feature of {@code table}; say {@link #on} which label columns are its keys.
   */
  public static FeatureLookup of(String table) {
    return new FeatureLookup(
        table, List.of(), Optional.empty(), Optional.empty(), List.of(), Map.of(), Map.of(), false);
  }

  /** Label columns holding the table's primary keys, in the order of the keys. */
  public FeatureLookup on(String... labelColumns) {
    return new FeatureLookup(
        table,
        List.of(labelColumns),
        timestampLookupKey,
        lookbackWindow,
        features,
        renames,
        defaults,
        knownAt);
  }

  /** Label column holding the time the label is known at: features must be no later than it. */
  public FeatureLookup asOf(String labelTimeColumn) {
    return new FeatureLookup(
        table,
        lookupKeys,
        Optional.of(labelTimeColumn),
        lookbackWindow,
        features,
        renames,
        defaults,
        knownAt);
  }

  /** Ignore a feature row older than this before the label time (a time to live). */
  public FeatureLookup lookback(Duration window) {
    return new FeatureLookup(
        table,
        lookupKeys,
        timestampLookupKey,
        Optional.of(window),
        features,
        renames,
        defaults,
        knownAt);
  }

  /** Take only these features (default: every non-key column). */
  public FeatureLookup features(String... names) {
    return new FeatureLookup(
        table,
        lookupKeys,
        timestampLookupKey,
        lookbackWindow,
        List.of(names),
        renames,
        defaults,
        knownAt);
  }

  /** Name feature {@code feature} {@code outputName} in the training set. */
  public FeatureLookup rename(String feature, String outputName) {
    Map<String, String> more = new LinkedHashMap<>(renames);
    more.put(feature, outputName);
    return new FeatureLookup(
        table, lookupKeys, timestampLookupKey, lookbackWindow, features, more, defaults, knownAt);
  }

  /** Value of {@code feature} when no feature row matches (or the match is null). */
  public FeatureLookup defaultValue(String feature, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(defaults);
    more.put(feature, value);
    return new FeatureLookup(
        table, lookupKeys, timestampLookupKey, lookbackWindow, features, renames, more, knownAt);
  }

  /**
   * Take only feature rows that were already written when the label happened: a row counts from the
   * commit time of the Delta version that wrote it, so values backfilled later cannot leak into
   * older labels. Needs the table's change data feed (feature tables have it from creation).
   */
  public FeatureLookup asKnownAt() {
    return new FeatureLookup(
        table, lookupKeys, timestampLookupKey, lookbackWindow, features, renames, defaults, true);
  }

  /** Output name of {@code feature}. */
  public String outputName(String feature) {
    return renames.getOrDefault(feature, feature);
  }
}
