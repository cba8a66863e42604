package lakeops.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lakeops.exceptions.ValidationException;

/**
 * What a feature table is: its three-part name, primary keys, optional timestamp key (for
 * time-series features) and descriptive metadata. Immutable; build with {@link #builder(String)}.
 *
 * @param name three-part name, e.g. {@code prod.features.airport_daily}
 * @param primaryKeys entity keys, not including the timestamp key
 * @param timestampKey the event-time column of time-series features, if any
 */
public record FeatureTableSpec(
    String name,
    List<String> primaryKeys,
    Optional<String> timestampKey,
    String description,
    Map<String, String> tags,
    String owner) {

  public FeatureTableSpec {
    ValidationException.check(name != null && name.split("\\.").length == 3,
        "Invalid feature table name '%s': expected catalog.schema.table", name);
    ValidationException.check(primaryKeys != null && !primaryKeys.isEmpty(),
        "Invalid feature table %s: at least one primary key is required", name);
    primaryKeys = List.copyOf(primaryKeys);
    timestampKey = timestampKey == null ? Optional.empty() : timestampKey;
    ValidationException.check(timestampKey.isEmpty() || !primaryKeys.contains(timestampKey.get()),
        "Invalid feature table %s: timestamp key %s must not also be a primary key", name,
        timestampKey.orElse(""));
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

    public Builder primaryKeys(String... keys) {
      primaryKeys.addAll(List.of(keys));
      return this;
    }

    public Builder timestampKey(String column) {
      this.timestampKey = column;
      return this;
    }

    public Builder description(String text) {
      this.description = text;
      return this;
    }

    public Builder owner(String team) {
      this.owner = team;
      return this;
    }

    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    public FeatureTableSpec build() {
      return new FeatureTableSpec(name, primaryKeys, Optional.ofNullable(timestampKey), description,
          tags, owner);
    }
  }
}
