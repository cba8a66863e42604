package lakeops.monitoring;

import static org.apache.spark.sql.functions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import lakeops.monitoring.ColumnProfile.Kind;
import lakeops.monitoring.MonitorSpec.Granularity;
import lakeops.monitoring.MonitorSpec.InferenceLog;
import lakeops.monitoring.TaskGroups.GroupKey;
import org.apache.spark.api.java.JavaRDD;
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

/**
 * One Spark job that profiles every monitored column of every window, slice and model version of a
 * refresh, and the baseline with them. Each task reads its rows once into one {@link
 * WindowAccumulator} per (window, slice, model), and the driver merges the tasks' partial
 * accumulators. A table scan Spark can read as column vectors is read so ({@link ColumnarScan}):
 * monitored values straight from the vectors (categories by dictionary id), only slices, model and
 * quality inputs through a projection. Anything else goes through Spark's rows of the {@link
 * ScanLayout} projection. Either way the per-value work is primitive: no boxing, no string
 * decoding, no row expansion.
 */
final class ProfileScan {

  /** Everything one group of the scan produced. */
  record WindowProfile(
      WindowKey key,
      long rows,
      List<ColumnProfile> columns,
      QualityMetrics quality,
      String fingerprint) {}

  private record Monitored(String name, Kind kind, DataType type) {}

  private static final org.apache.logging.log4j.Logger LOG =
      org.apache.logging.log4j.LogManager.getLogger(ProfileScan.class);

  /** The seed of Spark's {@code xxhash64}. */
  static final long XXHASH_SEED = 42L;

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

  /**
   * The monitored columns of {@code data}: the spec's, or all but the timestamp and model columns.
   */
  List<String> monitoredColumns(Dataset<Row> data) {
    if (!spec.columns().isEmpty()) {
      return spec.columns();
    }
    Set<String> skip = new HashSet<>();
    spec.timestampColumn().ifPresent(skip::add);
    spec.inferenceLog()
        .ifPresent(
            log -> {
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
   * Profiles the {@code changed} windows of {@code input} (window ids of {@link
   * WindowKey#windowId()}; null = all) and, if given, the baseline, in one Spark job. The
   * baseline's part of the job comes from {@code baseline} (null = no baseline), asked for once the
   * input's part is planned: it may be planned meanwhile by {@link #baseline(Dataset, Dataset)} on
   * another thread. A baseline that is version {@code inputVersion} of the input's own Delta table
   * is profiled from the input's read when that version's files are all part of it ({@link
   * ColumnarScan#filesOfVersion}), and only then is {@code baseline} not asked for.
   */
  Map<WindowKey, WindowProfile> run(
      Dataset<Row> input,
      Supplier<JavaRDD<byte[]>> baseline,
      OptionalLong inputVersion,
      Set<String> changed,
      Timestamp snapshotTime) {
    List<Monitored> columns = monitored(input);
    ScanLayout layout = layout(columns, changed, snapshotTime);
    Dataset<Row> windows = within(input, layout);
    // The columnar scan skips rows without a timestamp itself: no filter that could skip files.
    Optional<ColumnarScan> columnar = columnar(windows, 0, columns, layout);
    Set<String> shared =
        baseline != null && inputVersion.isPresent() && changed == null && columnar.isPresent()
            ? columnar.get().filesOfVersion(inputVersion.getAsLong()).orElse(null)
            : null;
    LOG.info(
        "Monitor {}: {} scan of the input{}",
        spec.name(),
        columnar.isPresent() ? "columnar" : "row",
        shared != null ? ", which holds the baseline" : "");
    JavaRDD<byte[]> parts =
        columnar
            .map(scan -> scan.partials(layout, false, sameSeed(), shared))
            .orElseGet(() -> rows(timestamped(windows), 0, columns, layout));
    if (baseline != null && shared == null) {
      parts = parts.union(baseline.get());
    }
    Map<GroupKey, WindowAccumulator> groups = new LinkedHashMap<>();
    for (byte[] part : parts.collect()) {
      read(part)
          .forEach((key, accumulator) -> groups.merge(key, accumulator, WindowAccumulator::merge));
    }
    List<String> names = columns.stream().map(Monitored::name).toList();
    List<String> types = columns.stream().map(c -> c.type().simpleString()).toList();
    Map<WindowKey, WindowProfile> result = new LinkedHashMap<>();
    groups.forEach(
        (group, accumulator) -> {
          WindowKey key = windowKey(group, layout, snapshotTime);
          result.put(
              key,
              new WindowProfile(
                  key,
                  accumulator.rows(),
                  accumulator.profiles(names, types),
                  accumulator.quality(layout),
                  accumulator.fingerprint()));
        });
    return result;
  }

  /**
   * The baseline's part of the profile job, planned (so its Delta snapshot read) ahead of the
   * input's: the baseline profiled with {@code input}'s monitored columns.
   */
  JavaRDD<byte[]> baseline(Dataset<Row> baseline, Dataset<Row> input) {
    List<Monitored> columns = monitored(input);
    ScanLayout layout = layout(columns, null, new Timestamp(0));
    Optional<ColumnarScan> columnar = columnar(baseline, 1, columns, layout);
    LOG.info(
        "Monitor {}: {} scan of the baseline",
        spec.name(),
        columnar.isPresent() ? "columnar" : "row");
    return columnar
        .map(scan -> scan.partials(layout, true, sameSeed(), null))
        .orElseGet(() -> rows(baseline, 1, columns, layout));
  }

  private List<Monitored> monitored(Dataset<Row> input) {
    List<Monitored> columns = new ArrayList<>();
    for (String name : monitoredColumns(input)) {
      StructField field = field(input, name);
      columns.add(new Monitored(name, kind(field.dataType()), field.dataType()));
    }
    return columns;
  }

  /**
   * The scan of {@code data} ({@code log} 0 = input, 1 = baseline) column by column from its
   * vectors, when {@link ColumnarScan} can read it so.
   */
  private Optional<ColumnarScan> columnar(
      Dataset<Row> data, int log, List<Monitored> columns, ScanLayout layout) {
    List<String> names = columns.stream().map(Monitored::name).toList();
    boolean needsKeys =
        spec.slicingExpressions().size() > 0 || layout.byModel() || layout.quality() != null;
    return ColumnarScan.plan(
        data,
        () -> project(data, log, columns, true),
        needsKeys,
        names,
        log == 0 && layout.snapshotSeconds() == null ? spec.timestampColumn().orElse(null) : null);
  }

  /**
   * The tasks' serialized partial accumulators of {@code data} read from Spark's rows of the
   * layout.
   */
  private JavaRDD<byte[]> rows(
      Dataset<Row> data, int log, List<Monitored> columns, ScanLayout layout) {
    return project(data, log, columns, false)
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(new RowProfiler(layout));
  }

  private boolean sameSeed() {
    return spec.slicingExpressions().isEmpty() && spec.inferenceLog().isEmpty();
  }

  private ScanLayout layout(List<Monitored> columns, Set<String> changed, Timestamp snapshotTime) {
    boolean snapshot = spec.profileType() == ProfileType.SNAPSHOT;
    long[] seconds =
        spec.granularities().stream().mapToLong(g -> g.duration().toSeconds()).toArray();
    Long snapshotSeconds = snapshot ? snapshotTime.getTime() / 1000 : null;
    List<Set<Long>> starts = null;
    if (changed != null) {
      starts = new ArrayList<>();
      List<String> names =
          snapshot
              ? List.of("snapshot")
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
    ProblemType quality =
        spec.inferenceLog()
            .filter(l -> l.labelColumn().isPresent())
            .map(InferenceLog::problemType)
            .orElse(null);
    boolean probability =
        quality == ProblemType.CLASSIFICATION
            && spec.inferenceLog().get().probabilityColumn().isPresent();
    return new ScanLayout(
        columns.stream().map(Monitored::kind).toList(),
        spec.slicingExpressions().size(),
        spec.inferenceLog().isPresent(),
        seconds,
        snapshotSeconds,
        starts,
        quality,
        probability,
        sketchSize,
        sketchAccuracy,
        categoryLimit);
  }

  /**
   * The {@link ScanLayout} projection of {@code data}; {@code log} 0 = input, 1 = baseline. For the
   * columnar scan ({@code keysOnly}) the monitored columns are null placeholders, read from the
   * column vectors instead, and the fingerprint terms are only the model-quality inputs'.
   */
  private Dataset<Row> project(
      Dataset<Row> data, int log, List<Monitored> columns, boolean keysOnly) {
    List<Column> select = new ArrayList<>();
    select.add(lit(log).as("__log"));
    select.add(
        log == 1 || spec.profileType() == ProfileType.SNAPSHOT
            ? lit(null).cast("long").as("__time")
            : expr(String.format(
                    "unix_seconds(CAST(`%s` AS TIMESTAMP))", spec.timestampColumn().orElseThrow()))
                .as("__time"));
    select.add(model(data).orElse(lit(null).cast("string")).as("__model"));
    Column seed = seedKey(data);
    List<Column> terms = new ArrayList<>();
    if (!keysOnly) {
      for (Monitored c : columns) {
        terms.add(hashTerm(seed, projected(data, c)));
      }
    }
    quality(data).ifPresent(inputs -> terms.add(hashTerm(seed, inputs.toArray(new Column[0]))));
    Column[] halves = halves(terms);
    select.add(halves[0].as("__hash_high"));
    select.add(halves[1].as("__hash_low"));
    select.add((seed == null ? lit(XXHASH_SEED) : xxhash64(seed)).as("__seed"));
    for (int s = 0; s < spec.slicingExpressions().size(); s++) {
      select.add(slice(s).as("__slice_" + s));
    }
    int position = 0;
    for (Monitored c : columns) {
      Column value =
          keysOnly
              ? lit(null)
                  .cast(
                      c.kind() == Kind.CATEGORICAL
                          ? "string"
                          : c.kind() == Kind.NUMERIC ? "double" : "long")
              : projected(data, c);
      select.add(value.as("__c" + position++));
    }
    quality(data).ifPresent(inputs -> select.addAll(inputs));
    return data.select(select.toArray(new Column[0]));
  }

  /**
   * A monitored column as the profile reads it: a double, a string, or a 64-bit hash of the value.
   */
  private static Column projected(Dataset<Row> data, Monitored c) {
    Column v = valueOf(data, c.name(), c.type());
    return switch (c.kind()) {
      case NUMERIC -> v.cast("double");
      case CATEGORICAL -> v.cast("string");
      case OTHER -> when(v.isNotNull(), xxhash64(v));
    };
  }

  private Column slice(int s) {
    return expr(spec.slicingExpressions().get(s)).cast("string");
  }

  private Optional<Column> model(Dataset<Row> data) {
    return spec.inferenceLog()
        .map(InferenceLog::modelIdColumn)
        .map(m -> coalesce(valueOf(data, m, DataTypes.StringType), lit("null")));
  }

  /** The model-quality inputs of an inference log with labels, in the layout's order. */
  private Optional<List<Column>> quality(Dataset<Row> data) {
    return spec.inferenceLog()
        .filter(l -> l.labelColumn().isPresent())
        .map(
            l -> {
              List<Column> inputs = new ArrayList<>();
              Column label = valueOf(data, l.labelColumn().get(), null);
              Column prediction = valueOf(data, l.predictionColumn(), null);
              if (l.problemType() == ProblemType.CLASSIFICATION) {
                inputs.add(
                    hasColumn(data, l.labelColumn().get()) && hasColumn(data, l.predictionColumn())
                        ? QualityMetrics.pair(l)
                        : lit(null).cast("string"));
                l.probabilityColumn()
                    .ifPresent(
                        p -> {
                          inputs.add(valueOf(data, p, null).cast("double"));
                          inputs.add(label.cast("double"));
                        });
              } else {
                inputs.add(label.cast("double"));
                inputs.add(prediction.cast("double"));
              }
              return inputs;
            });
  }

  /**
   * What a row's fingerprint terms are chained from: a hash of its slice values and model, so a
   * value that moves to another slice or model changes the sums; null (Spark's seed) without
   * either.
   */
  private Column seedKey(Dataset<Row> data) {
    List<Column> keys = new ArrayList<>();
    for (int s = 0; s < spec.slicingExpressions().size(); s++) {
      keys.add(slice(s));
    }
    model(data).ifPresent(keys::add);
    return keys.isEmpty() ? null : xxhash64(keys.toArray(new Column[0]));
  }

  private static Column hashTerm(Column seed, Column... values) {
    List<Column> hashed = new ArrayList<>();
    if (seed != null) {
      hashed.add(seed);
    }
    hashed.addAll(List.of(values));
    return xxhash64(hashed.toArray(new Column[0]));
  }

  /** Per row, the sums of the high and of the low 32-bit halves of {@code terms}. */
  private static Column[] halves(List<Column> terms) {
    Column high = lit(0L);
    Column low = lit(0L);
    for (Column term : terms) {
      high = high.plus(shiftright(term, 32));
      low = low.plus(term.bitwiseAND(lit(0xffffffffL)));
    }
    return new Column[] {high, low};
  }

  /**
   * A row's fingerprint terms, summed per window into its fingerprint: per monitored column (and
   * the model-quality inputs) {@code xxhash64(seed, value)} of the value the profile reads, as the
   * sums of their high and low 32-bit halves. The profile scan sums the same terms as it reads the
   * rows.
   */
  Column[] fingerprintTerms(Dataset<Row> data) {
    Column seed = seedKey(data);
    List<Column> terms = new ArrayList<>();
    for (String name : monitoredColumns(data)) {
      StructField field = field(data, name);
      terms.add(
          hashTerm(
              seed,
              projected(data, new Monitored(name, kind(field.dataType()), field.dataType()))));
    }
    quality(data).ifPresent(inputs -> terms.add(hashTerm(seed, inputs.toArray(new Column[0]))));
    return halves(terms);
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
    return spec.timestampColumn()
        .filter(ts -> spec.profileType() != ProfileType.SNAPSHOT)
        .map(ts -> input.where(col("`" + ts + "`").isNotNull()))
        .orElse(input);
  }

  private WindowKey windowKey(GroupKey group, ScanLayout layout, Timestamp snapshotTime) {
    String sliceKey = group.slice() < 0 ? null : spec.slicingExpressions().get(group.slice());
    if (group.log() == 1) {
      return new WindowKey(
          WindowKey.BASELINE, null, null, null, sliceKey, group.sliceValue(), group.model());
    }
    if (layout.snapshotSeconds() != null) {
      return new WindowKey(
          WindowKey.INPUT,
          "snapshot",
          snapshotTime,
          snapshotTime,
          sliceKey,
          group.sliceValue(),
          group.model());
    }
    long length = layout.windowSeconds()[group.granularity()];
    return new WindowKey(
        WindowKey.INPUT,
        spec.granularities().get(group.granularity()).text(),
        new Timestamp(group.start() * 1000),
        new Timestamp((group.start() + length) * 1000),
        sliceKey,
        group.sliceValue(),
        group.model());
  }

  /** The task side of the row scan: accumulates its projected rows per group. */
  private static final class RowProfiler implements FlatMapFunction<Iterator<InternalRow>, byte[]> {
    private static final long serialVersionUID = 1L;
    private final ScanLayout layout;

    RowProfiler(ScanLayout layout) {
      this.layout = layout;
    }

    @Override
    public Iterator<byte[]> call(Iterator<InternalRow> rows) throws IOException {
      TaskGroups groups = new TaskGroups(layout);
      WindowAccumulator[] into = new WindowAccumulator[groups.maxGroupsPerRow()];
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        boolean baseline = row.getInt(ScanLayout.LOG) == 1;
        long seconds = baseline || row.isNullAt(ScanLayout.TIME) ? 0 : row.getLong(ScanLayout.TIME);
        int found = groups.assign(baseline, seconds, row, into);
        for (int i = 0; i < found; i++) {
          into[i].add(row, layout);
        }
      }
      return List.of(groups.serialize()).iterator();
    }
  }

  /** A task's partial accumulators, as {@link TaskGroups#serialize()} wrote them. */
  @SuppressWarnings("unchecked")
  static Map<GroupKey, WindowAccumulator> read(byte[] part) {
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(part)) {
          @Override
          protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
              throws IOException, ClassNotFoundException {
            return Class.forName(desc.getName(), false, ProfileScan.class.getClassLoader());
          }
        }) {
      return (Map<GroupKey, WindowAccumulator>) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new UncheckedIOException(
          new IOException("Cannot read a profile scan task's result", e));
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
    throw MonitoringErrors.columnNotFound(name, List.of(data.columns()));
  }

  private static boolean hasColumn(Dataset<Row> data, String name) {
    return List.of(data.columns()).contains(name);
  }
}
