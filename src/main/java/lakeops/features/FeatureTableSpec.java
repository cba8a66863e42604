package lakeops.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a feature table is: its three-part name, primary keys, optional timestamp key (for
 * time-series features) and descriptive metadata. Immutable; build with {@link #builder(String)}.
 *
 * @param name three-part name, e.g. {@code prod.features.airport_daily}
 * @param primaryKeys entity keys, not including the timestamp key
 * @param timestampKey the event-time column of time-series features, if any
 * @param description what the features are (empty if none)
 * @param tags free-form tags
 * @param owner who owns the table (empty if none)
 */
public record FeatureTableSpec(
    String name,
    List<String> primaryKeys,
    Optional<String> timestampKey,
    String description,
    Map<String, String> tags,
    String owner) {

  /** Checks the name and keys; null metadata becomes empty. */
  public FeatureTableSpec {
    if (name == null || name.split("\\.").length != 3) {
      throw FeatureErrors.invalidTableName(name);
    }
    if (primaryKeys == null || primaryKeys.isEmpty()) {
      throw FeatureErrors.noPrimaryKey(name);
    }
    primaryKeys = List.copyOf(primaryKeys);
    timestampKey = timestampKey == null ? Optional.empty() : timestampKey;
    if (timestampKey.isPresent() && primaryKeys.contains(timestampKey.get())) {
      throw FeatureErrors.timestampKeyIsPrimaryKey(name, timestampKey.get());
    }
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    description = description == null ? "" : description;
    owner = owner == null ? "" : owner;
  }

  /** The primary keys followed by the timestamp key: what identifies one feature row. */
  public List<String> rowKeys() {
    List<String> keys = new ArrayList<>(primaryKeys);
    timestampKey.ifPresent(keys::add);
    return keys;
  }

  /** A builder of the spec of table {@code name} ({@code catalog.schema.table}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builder of {@link FeatureTableSpec}. */
  public static final class Builder {
    private final String name;
    private final List<String> primaryKeys = new ArrayList<>();
    private String timestampKey;
    private String description;
    private String owner;
    private final Map<String, String> tags = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Adds entity keys, in order. */
    public Builder primaryKeys(String... keys) {
      primaryKeys.addAll(List.of(keys));
      return this;
    }

    /** The event-time column, for time-series features. */
    public Builder timestampKey(String column) {
      this.timestampKey = column;
      return this;
    }

    /** What the features are. */
    public Builder description(String text) {
      this.description = text;
      return this;
    }

    /** Who owns the table. */
    public Builder owner(String team) {
      this.owner = team;
      return this;
    }

    /** Adds a tag. */
    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    /** The spec; fails if the name or keys are invalid. */
    public FeatureTableSpec build() {
      return new FeatureTableSpec(
          name, primaryKeys, Optional.ofNullable(timestampKey), description, tags, owner);
    }
  }
}
