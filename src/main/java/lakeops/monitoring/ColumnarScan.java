package lakeops.monitoring;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import lakeops.monitoring.ColumnProfile.Kind;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.delta.files.TahoeFileIndex;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.FileScanRDD;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Function1;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The profile scan of a table Spark reads as column vectors (Parquet, so Delta, with the vectorized
 * reader): the file scan's batches go straight to the accumulators, which read each monitored
 * column as a vector, a category once per dictionary id, with no row conversion. Only what needs
 * Spark's expressions (slice values, model, model-quality inputs, a timestamp that is not one) is
 * projected per row. {@link #plan} declines, and the row scan takes over, for any plan that is not
 * a plain file scan under filters on the timestamp column alone (a deletion-vector filter, a view,
 * a join), for column types the vectors do not give as the row scan's casts would, and when {@link
 * MonitorProperties#COLUMNAR_SCAN} is off.
 */
final class ColumnarScan {

  private static final long MICROS = 1_000_000L;

  private final FileSourceScanExec scan;
  private final List<Expression> keys;
  private final int[] vectors;
  private final VectorType[] types;
  private final int timeVector;

  private ColumnarScan(
      FileSourceScanExec scan,
      List<Expression> keys,
      int[] vectors,
      VectorType[] types,
      int timeVector) {
    this.scan = scan;
    this.keys = keys;
    this.vectors = vectors;
    this.types = types;
    this.timeVector = timeVector;
  }

  /**
   * The columnar scan of {@code data}'s {@code monitored} columns, or empty when Spark cannot read
   * it so. {@code keys} gives the layout's projection without the monitored values (only analyzed
   * when needed), evaluated per row when {@code needsKeys} or when {@code timestamp} (the window
   * column of a time-series input, else null) is not a timestamp.
   */
  static Optional<ColumnarScan> plan(
      Dataset<Row> data,
      Supplier<Dataset<Row>> keys,
      boolean needsKeys,
      List<String> monitored,
      String timestamp) {
    if (!MonitorSettings.of(data.sparkSession().conf()).columnarScan()) {
      return Optional.empty();
    }
    Optional<VectorType[]> wanted = vectorTypes(data, monitored);
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    boolean directTime =
        timestamp != null
            && field(data, timestamp)
                .filter(f -> f.dataType() instanceof TimestampType)
                .isPresent();
    Set<String> needed = new LinkedHashSet<>(monitored);
    List<Expression> keyExpressions = null;
    if (needsKeys || (timestamp != null && !directTime)) {
      LogicalPlan optimized = keys.get().queryExecution().optimizedPlan();
      if (!(optimized instanceof Project project)) {
        return Optional.empty();
      }
      keyExpressions = expressions(project);
      for (Attribute a : CollectionConverters.asJava(project.references().toSeq())) {
        needed.add(a.name());
      }
    }
    if (timestamp != null) {
      needed.add(timestamp);
    }
    Optional<FileSourceScanExec> file = fileScan(data, needed, timestamp);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    FileSourceScanExec scan = file.get();
    List<Attribute> output = CollectionConverters.asJava(scan.output());
    List<String> names = output.stream().map(Attribute::name).toList();
    if (keyExpressions != null && !binds(keyExpressions, output)) {
      return Optional.empty();
    }
    int[] vectors = monitored.stream().mapToInt(names::indexOf).toArray();
    if (java.util.Arrays.stream(vectors).anyMatch(i -> i < 0)) {
      return Optional.empty();
    }
    int timeVector = directTime && keyExpressions == null ? names.indexOf(timestamp) : -1;
    return Optional.of(new ColumnarScan(scan, keyExpressions, vectors, wanted.get(), timeVector));
  }

  /**
   * How each {@code monitored} column of {@code data} is read from its vector; empty if one cannot
   * be.
   */
  private static Optional<VectorType[]> vectorTypes(Dataset<Row> data, List<String> monitored) {
    List<VectorType> types = new ArrayList<>();
    for (String name : monitored) {
      Optional<VectorType> type = field(data, name).flatMap(f -> readable(f.dataType()));
      if (type.isEmpty()) {
        return Optional.empty();
      }
      types.add(type.get());
    }
    return Optional.of(types.toArray(new VectorType[0]));
  }

  private static List<Expression> expressions(Project project) {
    List<Expression> expressions = new ArrayList<>();
    for (NamedExpression e : CollectionConverters.asJava(project.projectList())) {
      expressions.add((Expression) (Object) e);
    }
    return expressions;
  }

  /**
   * The file scan reading the {@code needed} columns of {@code data} as column vectors, when that
   * read is a {@linkplain #plain plain} file scan outputting nothing else but partition columns.
   */
  private static Optional<FileSourceScanExec> fileScan(
      Dataset<Row> data, Set<String> needed, String timestamp) {
    Column[] columns = needed.stream().map(n -> data.col("`" + n + "`")).toArray(Column[]::new);
    SparkPlan plan = data.select(columns).queryExecution().executedPlan();
    List<FileSourceScanExec> scans = new ArrayList<>();
    if (!plain(plan, timestamp, scans) || scans.size() != 1 || !scans.get(0).supportsColumnar()) {
      return Optional.empty();
    }
    FileSourceScanExec scan = scans.get(0);
    // The file scan always outputs the partition columns; anything else unasked for is something
    // the
    // plan filters on, such as Delta's deleted-row flag.
    Set<String> allowed = new HashSet<>(needed);
    allowed.addAll(List.of(scan.relation().partitionSchema().fieldNames()));
    boolean onlyAllowed =
        CollectionConverters.asJava(scan.output()).stream()
            .allMatch(a -> allowed.contains(a.name()));
    return onlyAllowed ? Optional.of(scan) : Optional.empty();
  }

  /**
   * The tasks' serialized partial accumulators of this scan, as {@link TaskGroups#serialize()}
   * writes them; the rows of files named in {@code alsoBaseline} (null = none) count for the
   * baseline too.
   */
  JavaRDD<byte[]> partials(
      ScanLayout layout, boolean baseline, boolean sameSeed, Set<String> alsoBaseline) {
    RDD<ColumnarBatch> batches = scan.executeColumnar();
    if (alsoBaseline != null && scan.inputRDD() instanceof FileScanRDD files) {
      batches = heaviestFirst(batches, files, alsoBaseline);
    }
    return batches
        .toJavaRDD()
        .mapPartitions(
            new Profiler(
                layout,
                baseline,
                sameSeed,
                keys,
                CollectionConverters.asJava(scan.output()),
                vectors,
                types,
                timeVector,
                alsoBaseline));
  }

  /**
   * {@code batches} with its partitions reordered, the most work first: a partition's bytes, twice
   * for files that count for the baseline too. Spark packs and orders file partitions by size, so a
   * baseline's small files would come last and leave one core alone with the heaviest task.
   */
  private static RDD<ColumnarBatch> heaviestFirst(
      RDD<ColumnarBatch> batches, FileScanRDD files, Set<String> baseline) {
    List<FilePartition> partitions = CollectionConverters.asJava(files.filePartitions());
    if (partitions.size() != batches.getNumPartitions()) {
      return batches;
    }
    long[] work = new long[partitions.size()];
    for (FilePartition partition : partitions) {
      for (PartitionedFile file : partition.files()) {
        work[partition.index()] +=
            file.length() * (baseline.contains(name(file.urlEncodedPath())) ? 2 : 1);
      }
    }
    List<RDD<ColumnarBatch>> ordered = new ArrayList<>();
    java.util.stream.IntStream.range(0, work.length)
        .boxed()
        .sorted((a, b) -> Long.compare(work[b], work[a]))
        .forEach(
            index ->
                ordered.add(
                    PartitionPruningRDD.create(
                        batches,
                        (Function1<Object, Object> & Serializable)
                            p -> (Integer) p == index.intValue())));
    return batches
        .context()
        .union(
            CollectionConverters.asScala(ordered).toSeq(),
            scala.reflect.ClassTag$.MODULE$.apply(ColumnarBatch.class));
  }

  /**
   * When this scan reads a Delta table whose version {@code version} is wholly part of what it
   * reads, the names of that version's files, so that their rows count for a baseline at that
   * version without reading them twice. Empty unless every file of that version is among this
   * scan's files, none had deleted rows (a deletion vector) then, and the table's schema and
   * partitioning are the same; also when the log no longer holds every commit up to that version,
   * or more than {@link MonitorProperties#SHARED_BASELINE_MAX_COMMITS} of them (reading them would
   * cost more).
   */
  Optional<Set<String>> filesOfVersion(long version) {
    if (!(scan.relation().location() instanceof TahoeFileIndex index)
        || version > index.version()
        || version >= MonitorProperties.SHARED_BASELINE_MAX_COMMITS) {
      return Optional.empty();
    }
    Optional<VersionFiles> then = replay(index, version);
    if (then.isEmpty()) {
      return Optional.empty();
    }
    Metadata metadata = then.get().metadata();
    Metadata now = index.metadata();
    Set<String> read = new HashSet<>();
    for (String path : scan.relation().location().inputFiles()) {
      read.add(name(path));
    }
    boolean sameTable =
        metadata != null
            && metadata.schemaString().equals(now.schemaString())
            && metadata.partitionColumns().equals(now.partitionColumns());
    return sameTable && read.containsAll(then.get().files())
        ? Optional.of(then.get().files())
        : Optional.empty();
  }

  /** The data files (names) and the last metadata of a Delta table's version. */
  private record VersionFiles(Set<String> files, Metadata metadata) {}

  /**
   * Version {@code version} of {@code index}'s table, replayed from its commits 0 to {@code
   * version}; empty when one of them is no longer in the log or a file had deleted rows then.
   */
  private static Optional<VersionFiles> replay(TahoeFileIndex index, long version) {
    Set<String> files = new HashSet<>();
    Metadata metadata = null;
    // failOnDataLoss false: a commit no longer in the log is a gap in the versions, found below.
    Iterator<Tuple2<Object, scala.collection.immutable.Seq<Action>>> commits =
        CollectionConverters.asJava(
            index.deltaLog().getChanges(0L, version, scala.Option.empty(), false));
    long expected = 0;
    while (commits.hasNext()) {
      Tuple2<Object, scala.collection.immutable.Seq<Action>> commit = commits.next();
      if ((Long) commit._1() != expected++) {
        return Optional.empty();
      }
      for (Action action : CollectionConverters.asJava(commit._2())) {
        if (action instanceof AddFile add) {
          if (add.deletionVector() != null) {
            return Optional.empty();
          }
          files.add(name(add.path()));
        } else if (action instanceof RemoveFile remove) {
          files.remove(name(remove.path()));
        } else if (action instanceof Metadata m) {
          metadata = m;
        }
      }
    }
    return expected == version + 1
        ? Optional.of(new VersionFiles(files, metadata))
        : Optional.empty();
  }

  /** A data file's name, the last segment of its (URI-encoded) path: unique in a Delta table. */
  static String name(String path) {
    String decoded =
        java.net.URLDecoder.decode(
            path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    return decoded.substring(decoded.lastIndexOf('/') + 1);
  }

  /**
   * Which vector type a monitored column of {@code type} is read as; the profile's kind must agree.
   */
  private static Optional<VectorType> readable(DataType type) {
    Kind kind = ProfileScan.kind(type);
    return VectorType.of(type)
        .filter(
            t ->
                switch (t.code()) {
                  case STRING, BOOLEAN -> kind == Kind.CATEGORICAL;
                  case TIMESTAMP, DATE -> kind == Kind.OTHER;
                  default -> kind == Kind.NUMERIC;
                });
  }

  /**
   * Whether {@code plan} is a file scan under row conversion, code generation, attribute
   * projections and filters on {@code timestamp} only (those the profile scan adds, which it
   * applies itself).
   */
  private static boolean plain(SparkPlan plan, String timestamp, List<FileSourceScanExec> scans) {
    if (plan instanceof FileSourceScanExec s) {
      scans.add(s);
      return true;
    }
    boolean allowed =
        plan instanceof WholeStageCodegenExec
            || plan instanceof InputAdapter
            || plan instanceof ColumnarToRowExec
            || (plan instanceof ProjectExec p
                && CollectionConverters.asJava(p.projectList()).stream()
                    .allMatch(e -> e instanceof Attribute))
            || (plan instanceof FilterExec f
                && timestamp != null
                && CollectionConverters.asJava(f.condition().references().toSeq()).stream()
                    .allMatch(a -> a.name().equals(timestamp)));
    if (!allowed) {
      return false;
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (!plain(child, timestamp, scans)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether every attribute {@code expressions} reference is one of {@code input} (by expression
   * id), which is what binding them to the scan's output, as the tasks' projection does, requires.
   */
  private static boolean binds(List<Expression> expressions, List<Attribute> input) {
    Set<ExprId> available = new HashSet<>();
    input.forEach(a -> available.add(a.exprId()));
    return expressions.stream()
        .allMatch(
            e ->
                CollectionConverters.asJava(e.references().toSeq()).stream()
                    .allMatch(a -> available.contains(a.exprId())));
  }

  private static Optional<StructField> field(Dataset<Row> data, String name) {
    for (StructField f : data.schema().fields()) {
      if (f.name().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * The task side: per batch, assigns each row to its groups (window from the timestamp vector or
   * the projected keys), then lets every group touched drain its rows' values from the vectors.
   */
  private static final class Profiler
      implements FlatMapFunction<Iterator<ColumnarBatch>, byte[]>, Serializable {
    private static final long serialVersionUID = 1L;
    private final ScanLayout layout;
    private final boolean baseline;
    private final boolean sameSeed;
    private final List<Expression> keys;
    private final List<Attribute> input;
    private final int[] vectors;
    private final VectorType[] types;
    private final int timeVector;
    private final Set<String> alsoBaseline;

    Profiler(
        ScanLayout layout,
        boolean baseline,
        boolean sameSeed,
        List<Expression> keys,
        List<Attribute> input,
        int[] vectors,
        VectorType[] types,
        int timeVector,
        Set<String> alsoBaseline) {
      this.layout = layout;
      this.baseline = baseline;
      this.sameSeed = sameSeed;
      this.keys = keys == null ? null : new ArrayList<>(keys);
      this.input = new ArrayList<>(input);
      this.vectors = vectors;
      this.types = types;
      this.timeVector = timeVector;
      this.alsoBaseline = alsoBaseline == null ? null : new HashSet<>(alsoBaseline);
    }

    @Override
    public Iterator<byte[]> call(Iterator<ColumnarBatch> batches) throws IOException {
      TaskGroups groups = new TaskGroups(layout);
      UnsafeProjection projection =
          keys == null
              ? null
              : UnsafeProjection.create(
                  CollectionConverters.asScala(keys).toSeq(),
                  CollectionConverters.asScala(input).toSeq());
      if (projection != null) {
        projection.initialize(TaskContext.getPartitionId());
      }
      WindowAccumulator[] into = new WindowAccumulator[groups.maxGroupsPerRow()];
      List<WindowAccumulator> touched = new ArrayList<>();
      WindowAccumulator.Scratch scratch = new WindowAccumulator.Scratch(sameSeed);
      long[] seeds = new long[0];
      boolean windowed = !baseline && layout.snapshotSeconds() == null;
      String file = null;
      boolean fileInBaseline = false;
      while (batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        int n = batch.numRows();
        if (alsoBaseline != null) {
          // A batch never spans files, and the scan names the file it reads (as input_file_name()).
          String path = InputFileBlockHolder.getInputFilePath().toString();
          if (!path.equals(file)) {
            file = path;
            fileInBaseline = alsoBaseline.contains(name(path));
          }
        }
        if (seeds.length < n) {
          seeds = new long[n];
          if (sameSeed) {
            java.util.Arrays.fill(seeds, ProfileScan.XXHASH_SEED);
          }
        }
        scratch.reserve(n);
        ColumnVector time = timeVector < 0 ? null : batch.column(timeVector);
        for (int i = 0; i < n; i++) {
          InternalRow k = projection == null ? null : projection.apply(batch.getRow(i));
          if (!sameSeed) {
            seeds[i] = k.getLong(ScanLayout.SEED);
          }
          if (fileInBaseline) {
            select(groups.assign(true, 0, k, into), into, i, k, touched);
          }
          long seconds = 0;
          if (windowed) {
            if (time != null ? time.isNullAt(i) : k.isNullAt(ScanLayout.TIME)) {
              continue;
            }
            seconds =
                time != null ? Math.floorDiv(time.getLong(i), MICROS) : k.getLong(ScanLayout.TIME);
          }
          select(groups.assign(baseline, seconds, k, into), into, i, k, touched);
        }
        for (WindowAccumulator accumulator : touched) {
          accumulator.drain(batch, vectors, types, seeds, scratch);
        }
        touched.clear();
      }
      return List.of(groups.serialize()).iterator();
    }

    private void select(
        int found,
        WindowAccumulator[] into,
        int row,
        InternalRow keys,
        List<WindowAccumulator> touched) {
      for (int g = 0; g < found; g++) {
        if (into[g].select(row, keys, layout)) {
          touched.add(into[g]);
        }
      }
    }
  }
}
