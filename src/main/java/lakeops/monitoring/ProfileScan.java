package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lakeops.monitoring.ColumnProfile.Kind;
import lakeops.monitoring.MonitorSpec.Granularity;
import lakeops.monitoring.MonitorSpec.InferenceLog;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One Spark job that profiles every monitored column of every window, slice and model version of a
 * refresh, and the baseline with them. Spark projects the input (and the baseline, in a union) to
 * the values the profile needs; each task then reads its rows once, as Spark's internal rows, into
 * one {@link WindowAccumulator} per (window, slice, model), and the driver merges the tasks' partial
 * accumulators. The per-value work is primitive: no boxing, no string decoding, no row expansion.
 */
final class ProfileScan {

  /** Everything one group of the scan produced. */
  record WindowProfile(WindowKey key, long rows, List<ColumnProfile> columns, QualityMetrics quality,
      String fingerprint) {}

  private record Monitored(String name, Kind kind, DataType type) {}

  /** A group of the scan: log type, granularity index, window start, slice index (−1 = none), model. */
  private record GroupKey(int log, int granularity, long start, int slice, String sliceValue,
      String model) implements Serializable {}

  private final MonitorSpec spec;
  private final int sketchSize;
  private final double sketchAccuracy;
  private final int categoryLimit;

  ProfileScan(MonitorSpec spec, int sketchSize, double sketchAccuracy, int categoryLimit) {
    this.spec = spec;
    this.sketchSize = sketchSize;
    this.sketchAccuracy = sketchAccuracy;
    this.categoryLimit = categoryLimit;
  }

  /** The monitored columns of {@code data}: the spec's, or all but the timestamp and model columns. */
  List<String> monitoredColumns(Dataset<Row> data) {
    if (!spec.columns().isEmpty()) {
      return spec.columns();
    }
    Set<String> skip = new HashSet<>();
    spec.timestampColumn().ifPresent(skip::add);
    spec.inferenceLog().ifPresent(log -> {
      skip.add(log.modelIdColumn());
      log.probabilityColumn().ifPresent(skip::add);
    });
    List<String> columns = new ArrayList<>();
    for (String name : data.columns()) {
      if (!skip.contains(name)) {
        columns.add(name);
      }
    }
    return columns;
  }

  /**
   * Profiles the {@code changed} windows of {@code input} (window ids of {@link WindowKey#windowId()};
   * null = all) and, if given, the {@code baseline}, in one Spark job.
   */
  Map<WindowKey, WindowProfile> run(Dataset<Row> input, Dataset<Row> baseline, Set<String> changed,
      Timestamp snapshotTime) {
    List<Monitored> columns = new ArrayList<>();
    for (String name : monitoredColumns(input)) {
      StructField field = field(input, name);
      columns.add(new Monitored(name, kind(field.dataType()), field.dataType()));
    }
    ScanLayout layout = layout(columns, changed, snapshotTime);
    Dataset<Row> rows = project(within(timestamped(input), layout), 0, columns);
    if (baseline != null) {
      rows = rows.unionByName(project(baseline, 1, columns));
    }
    Map<GroupKey, WindowAccumulator> groups = new LinkedHashMap<>();
    for (byte[] part : rows.queryExecution().toRdd().toJavaRDD()
        .mapPartitions(new Profiler(layout)).collect()) {
      Profiler.read(part).forEach((key, accumulator) -> groups.merge(key, accumulator, WindowAccumulator::merge));
    }
    List<String> names = columns.stream().map(Monitored::name).toList();
    List<String> types = columns.stream().map(c -> c.type().simpleString()).toList();
    Map<WindowKey, WindowProfile> result = new LinkedHashMap<>();
    groups.forEach((group, accumulator) -> {
      WindowKey key = windowKey(group, layout, snapshotTime);
      result.put(key, new WindowProfile(key, accumulator.rows(), accumulator.profiles(names, types),
          accumulator.quality(layout), accumulator.fingerprint()));
    });
    return result;
  }

  private ScanLayout layout(List<Monitored> columns, Set<String> changed, Timestamp snapshotTime) {
    boolean snapshot = spec.profileType() == ProfileType.SNAPSHOT;
    long[] seconds = spec.granularities().stream().mapToLong(g -> g.duration().toSeconds()).toArray();
    Long snapshotSeconds = snapshot ? snapshotTime.getTime() / 1000 : null;
    List<Set<Long>> starts = null;
    if (changed != null) {
      starts = new ArrayList<>();
      List<String> names = snapshot ? List.of("snapshot")
          : spec.granularities().stream().map(Granularity::text).toList();
      for (String name : names) {
        Set<Long> set = new HashSet<>();
        for (String id : changed) {
          int at = id.lastIndexOf('@');
          if (id.substring(0, at).equals(name)) {
            set.add(Long.parseLong(id.substring(at + 1)));
          }
        }
        starts.add(set);
      }
    }
    ProblemType quality = spec.inferenceLog().filter(l -> l.labelColumn().isPresent())
        .map(InferenceLog::problemType).orElse(null);
    boolean probability = quality == ProblemType.CLASSIFICATION
        && spec.inferenceLog().get().probabilityColumn().isPresent();
    return new ScanLayout(columns.stream().map(Monitored::kind).toList(), spec.slicingExpressions().size(),
        spec.inferenceLog().isPresent(), seconds, snapshotSeconds, starts, quality, probability,
        sketchSize, sketchAccuracy, categoryLimit);
  }

  /** The {@link ScanLayout} projection of {@code data}; {@code log} 0 = input, 1 = baseline. */
  private Dataset<Row> project(Dataset<Row> data, int log, List<Monitored> columns) {
    List<Column> select = new ArrayList<>();
    select.add(lit(log).as("__log"));
    select.add(log == 1 || spec.profileType() == ProfileType.SNAPSHOT ? lit(null).cast("long").as("__time")
        : expr(String.format("unix_seconds(CAST(`%s` AS TIMESTAMP))", spec.timestampColumn().orElseThrow()))
            .as("__time"));
    select.add(spec.inferenceLog().map(InferenceLog::modelIdColumn)
        .map(m -> coalesce(valueOf(data, m, DataTypes.StringType), lit("null")))
        .orElse(lit(null).cast("string")).as("__model"));
    select.add((log == 1 ? lit(0L) : rowHash(data)).as("__hash"));
    for (int s = 0; s < spec.slicingExpressions().size(); s++) {
      select.add(expr(spec.slicingExpressions().get(s)).cast("string").as("__slice_" + s));
    }
    int position = 0;
    for (Monitored c : columns) {
      Column v = valueOf(data, c.name(), c.type());
      Column projected = switch (c.kind()) {
        case NUMERIC -> v.cast("double");
        case CATEGORICAL -> v.cast("string");
        case OTHER -> when(v.isNotNull(), xxhash64(v));
      };
      select.add(projected.as("__c" + position++));
    }
    spec.inferenceLog().filter(l -> l.labelColumn().isPresent()).ifPresent(l -> {
      Column label = valueOf(data, l.labelColumn().get(), null);
      Column prediction = valueOf(data, l.predictionColumn(), null);
      if (l.problemType() == ProblemType.CLASSIFICATION) {
        select.add(hasColumn(data, l.labelColumn().get()) && hasColumn(data, l.predictionColumn())
            ? QualityMetrics.pair(l) : lit(null).cast("string"));
        l.probabilityColumn().ifPresent(p -> {
          select.add(valueOf(data, p, null).cast("double"));
          select.add(label.cast("double"));
        });
      } else {
        select.add(label.cast("double"));
        select.add(prediction.cast("double"));
      }
    });
    return data.select(select.toArray(new Column[0]));
  }

  private static Column valueOf(Dataset<Row> data, String name, DataType type) {
    if (hasColumn(data, name)) {
      return type == null ? col("`" + name + "`") : col("`" + name + "`").cast(type);
    }
    return type == null ? lit(null) : lit(null).cast(type);
  }

  /**
   * Only the time range of the windows to profile, when not all are: a filter Delta's data skipping
   * can use, so a refresh of a few windows reads only the files that hold them.
   */
  private Dataset<Row> within(Dataset<Row> input, ScanLayout layout) {
    if (layout.changed() == null || layout.snapshotSeconds() != null) {
      return input;
    }
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (int g = 0; g < layout.windowSeconds().length; g++) {
      for (long start : layout.changed().get(g)) {
        from = Math.min(from, start);
        to = Math.max(to, start + layout.windowSeconds()[g]);
      }
    }
    if (from > to) {
      return input.limit(0);
    }
    Column ts = col("`" + spec.timestampColumn().orElseThrow() + "`").cast("timestamp");
    return input.where(ts.geq(timestamp_seconds(lit(from))).and(ts.lt(timestamp_seconds(lit(to)))));
  }

  /** Rows of a time series without a timestamp belong to no window. */
  private Dataset<Row> timestamped(Dataset<Row> input) {
    return spec.timestampColumn().filter(ts -> spec.profileType() != ProfileType.SNAPSHOT)
        .map(ts -> input.where(col("`" + ts + "`").isNotNull())).orElse(input);
  }

  /**
   * A row's 64-bit hash over the monitored columns (and the model column): summed per window, in two
   * 32-bit halves so the sums cannot overflow, with the row count it is the window's fingerprint,
   * which tells a later refresh whether the window changed.
   */
  Column rowHash(Dataset<Row> data) {
    List<Column> hashed = new ArrayList<>();
    for (String c : monitoredColumns(data)) {
      hashed.add(hasColumn(data, c) ? col("`" + c + "`") : lit(null));
    }
    spec.inferenceLog().ifPresent(log ->
        hashed.add(hasColumn(data, log.modelIdColumn()) ? col("`" + log.modelIdColumn() + "`") : lit(null)));
    return xxhash64(hashed.toArray(new Column[0]));
  }

  private WindowKey windowKey(GroupKey group, ScanLayout layout, Timestamp snapshotTime) {
    String sliceKey = group.slice() < 0 ? null : spec.slicingExpressions().get(group.slice());
    if (group.log() == 1) {
      return new WindowKey(WindowKey.BASELINE, null, null, null, sliceKey, group.sliceValue(), group.model());
    }
    if (layout.snapshotSeconds() != null) {
      return new WindowKey(WindowKey.INPUT, "snapshot", snapshotTime, snapshotTime, sliceKey,
          group.sliceValue(), group.model());
    }
    long length = layout.windowSeconds()[group.granularity()];
    return new WindowKey(WindowKey.INPUT, spec.granularities().get(group.granularity()).text(),
        new Timestamp(group.start() * 1000), new Timestamp((group.start() + length) * 1000), sliceKey,
        group.sliceValue(), group.model());
  }

  /**
   * The task side of the scan: accumulates its rows per group and returns the partial accumulators,
   * serialized. Consecutive rows mostly fall into the same groups, so each (granularity, slice, model)
   * slot remembers its last group and only a change of window, slice value or model looks one up.
   */
  private static final class Profiler implements FlatMapFunction<Iterator<InternalRow>, byte[]> {
    private static final long serialVersionUID = 1L;
    private static final UTF8String ALL = UTF8String.fromString(MonitorProperties.ALL_MODELS);
    private final ScanLayout layout;

    Profiler(ScanLayout layout) {
      this.layout = layout;
    }

    @Override
    public Iterator<byte[]> call(Iterator<InternalRow> rows) throws IOException {
      int granularities = layout.granularities();
      int slices = layout.slices() + 1;
      int models = layout.byModel() ? 2 : 1;
      int slots = (granularities + 1) * slices * models;
      Recent[] recent = new Recent[slots];
      for (int i = 0; i < slots; i++) {
        recent[i] = new Recent();
      }
      Map<GroupKey, WindowAccumulator> groups = new HashMap<>();
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        boolean baseline = row.getInt(ScanLayout.LOG) == 1;
        for (int g = baseline ? granularities : 0; g < (baseline ? granularities + 1 : granularities); g++) {
          long start = baseline ? 0 : windowStart(row, g);
          if (!baseline && layout.changed() != null && !layout.changed().get(g).contains(start)) {
            continue;
          }
          for (int s = 0; s < slices; s++) {
            int slicePosition = ScanLayout.FIRST_SLICE + s - 1;
            UTF8String slice = s == 0 || row.isNullAt(slicePosition) ? null : row.getUTF8String(slicePosition);
            for (int m = 0; m < models; m++) {
              UTF8String model = m == 0 ? ALL : row.getUTF8String(ScanLayout.MODEL);
              Recent slot = recent[(g * slices + s) * models + m];
              WindowAccumulator accumulator = slot.find(start, slice, model);
              if (accumulator == null) {
                GroupKey key = new GroupKey(baseline ? 1 : 0, g, start, s - 1,
                    slice == null ? null : slice.toString(), model.toString());
                accumulator = groups.computeIfAbsent(key, k -> new WindowAccumulator(layout));
                slot.remember(start, slice, model, accumulator);
              }
              accumulator.add(row, layout);
            }
          }
        }
      }
      groups.values().forEach(WindowAccumulator::complete);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(new HashMap<>(groups));
      }
      return List.of(bytes.toByteArray()).iterator();
    }

    /**
     * The last few groups one (granularity, slice, model) slot saw, searched before the map: rows of
     * a few interleaved windows (or slice values) then cost a short scan, not a key and a hash lookup.
     */
    private static final class Recent {
      private static final int SIZE = 16;
      private final long[] starts = new long[SIZE];
      private final UTF8String[] slices = new UTF8String[SIZE];
      private final UTF8String[] models = new UTF8String[SIZE];
      private final WindowAccumulator[] accumulators = new WindowAccumulator[SIZE];
      private int next;

      WindowAccumulator find(long start, UTF8String slice, UTF8String model) {
        for (int i = 0; i < SIZE && accumulators[i] != null; i++) {
          if (starts[i] == start && java.util.Objects.equals(slices[i], slice) && models[i].equals(model)) {
            return accumulators[i];
          }
        }
        return null;
      }

      void remember(long start, UTF8String slice, UTF8String model, WindowAccumulator accumulator) {
        starts[next] = start;
        slices[next] = slice == null ? null : slice.copy();
        models[next] = model.copy();
        accumulators[next] = accumulator;
        next = (next + 1) % SIZE;
      }
    }

    private long windowStart(InternalRow row, int granularity) {
      if (layout.snapshotSeconds() != null) {
        return layout.snapshotSeconds();
      }
      long length = layout.windowSeconds()[granularity];
      return Math.floorDiv(row.getLong(ScanLayout.TIME), length) * length;
    }

    @SuppressWarnings("unchecked")
    static Map<GroupKey, WindowAccumulator> read(byte[] part) {
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(part)) {
        @Override
        protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
          return Class.forName(desc.getName(), false, Profiler.class.getClassLoader());
        }
      }) {
        return (Map<GroupKey, WindowAccumulator>) in.readObject();
      } catch (IOException | ClassNotFoundException e) {
        throw new UncheckedIOException(new IOException("Cannot read a profile scan task's result", e));
      }
    }
  }

  static Kind kind(DataType type) {
    if (type instanceof NumericType) {
      return Kind.NUMERIC;
    }
    if (type instanceof StringType || type instanceof BooleanType) {
      return Kind.CATEGORICAL;
    }
    return Kind.OTHER;
  }

  private static StructField field(Dataset<Row> data, String name) {
    for (StructField f : data.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new lakeops.exceptions.InvalidConfigException(String.format(
        "Cannot monitor column '%s': not in the table (columns: %s)", name, List.of(data.columns())));
  }

  private static boolean hasColumn(Dataset<Row> data, String name) {
    return List.of(data.columns()).contains(name);
  }
}
