package lakeops.serving;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends rows to an existing Delta table with Delta Kernel rather than a Spark job: the serving
 * JVM then spends a few milliseconds of one thread per batch instead of planning and scheduling a
 * job, which is what kept the request path's p99 high. Each append carries a transaction id, so a
 * retry after an ambiguous failure never doubles a batch. The Hadoop configuration is the
 * session's, so the session's storage-level access guard applies.
 */
final class KernelAppender {

  private static final Logger LOG = LoggerFactory.getLogger(KernelAppender.class);
  private static final String ENGINE_INFO = "lakeops-serve";
  private static final Set<Class<? extends DataType>> SUPPORTED =
      Set.of(
          BooleanType.class,
          ByteType.class,
          ShortType.class,
          IntegerType.class,
          LongType.class,
          FloatType.class,
          DoubleType.class,
          StringType.class,
          DateType.class,
          TimestampType.class);

  private final Engine engine;
  private final String location;

  private KernelAppender(Engine engine, String location) {
    this.engine = engine;
    this.location = location;
  }

  static KernelAppender of(Configuration hadoopConf, String location) {
    return new KernelAppender(DefaultEngine.create(hadoopConf), location);
  }

  /** Whether every column of the table has a type this appender writes. */
  boolean supportsTable() {
    return snapshot().getSchema().fields().stream()
        .allMatch(f -> SUPPORTED.contains(f.getDataType().getClass()));
  }

  /**
   * Appends {@code rows} (values in {@code columns}' order; the table's other columns are null) as
   * one commit of transaction {@code appId}/{@code version}.
   *
   * @return false when that transaction version was already committed (nothing appended again)
   */
  boolean append(List<String> columns, List<Object[]> rows, String appId, long version) {
    Transaction txn;
    try {
      txn =
          snapshot()
              .buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
              .withTransactionId(appId, version)
              .build(engine);
    } catch (ConcurrentTransactionException e) {
      return false;
    }
    Row state = txn.getTransactionState(engine);
    ColumnarBatch batch = new RowsBatch(txn.getSchema(engine), columns, rows);
    try (CloseableIterator<FilteredColumnarBatch> physical =
        Transaction.transformLogicalData(
            engine, state, single(new FilteredColumnarBatch(batch, Optional.empty())), Map.of())) {
      DataWriteContext context = Transaction.getWriteContext(engine, state, Map.of());
      CloseableIterator<DataFileStatus> files =
          engine
              .getParquetHandler()
              .writeParquetFiles(
                  context.getTargetDirectory(), physical, context.getStatisticsColumns());
      List<Row> actions = new ArrayList<>();
      try (CloseableIterator<Row> generated =
          Transaction.generateAppendActions(engine, state, files, context)) {
        generated.forEachRemaining(actions::add);
      }
      TransactionCommitResult result =
          txn.commit(engine, CloseableIterable.inMemoryIterable(single(actions)));
      runHooks(result.getPostCommitHooks());
      return true;
    } catch (ConcurrentTransactionException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Snapshot snapshot() {
    return TableManager.loadSnapshot(location).build(engine);
  }

  private void runHooks(List<PostCommitHook> hooks) {
    for (PostCommitHook hook : hooks) {
      try {
        hook.threadSafeInvoke(engine);
      } catch (IOException | RuntimeException e) {
        // A checkpoint or checksum is an optimisation: the commit itself has landed.
        LOG.warn("Inference log {}: {} hook failed: {}", location, hook.getType(), e.getMessage());
      }
    }
  }

  private static <T> CloseableIterator<T> single(T value) {
    return single(List.of(value));
  }

  private static <T> CloseableIterator<T> single(List<T> values) {
    java.util.Iterator<T> it = values.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  /** The rows of one append, column by column in the table's schema. */
  private static final class RowsBatch implements ColumnarBatch {
    private final StructType schema;
    private final List<Object[]> rows;
    private final int[] sourceIndex;

    RowsBatch(StructType schema, List<String> columns, List<Object[]> rows) {
      this.schema = schema;
      this.rows = rows;
      this.sourceIndex = new int[schema.length()];
      for (int i = 0; i < schema.length(); i++) {
        sourceIndex[i] = columns.indexOf(schema.at(i).getName());
      }
    }

    @Override
    public StructType getSchema() {
      return schema;
    }

    @Override
    public ColumnVector getColumnVector(int ordinal) {
      StructField field = schema.at(ordinal);
      return new ValuesVector(field.getDataType(), rows, sourceIndex[ordinal]);
    }

    @Override
    public int getSize() {
      return rows.size();
    }
  }

  /** One column of the rows: the value at {@code index} of each, or null when it is -1. */
  private record ValuesVector(DataType type, List<Object[]> rows, int index)
      implements ColumnVector {

    private Object value(int row) {
      return index < 0 ? null : rows.get(row)[index];
    }

    @Override
    public DataType getDataType() {
      return type;
    }

    @Override
    public int getSize() {
      return rows.size();
    }

    @Override
    public void close() {}

    @Override
    public boolean isNullAt(int row) {
      return value(row) == null;
    }

    @Override
    public boolean getBoolean(int row) {
      return (Boolean) value(row);
    }

    @Override
    public byte getByte(int row) {
      return ((Number) value(row)).byteValue();
    }

    @Override
    public short getShort(int row) {
      return ((Number) value(row)).shortValue();
    }

    @Override
    public int getInt(int row) {
      Object v = value(row);
      if (v instanceof java.sql.Date d) {
        return (int) d.toLocalDate().toEpochDay();
      }
      if (v instanceof LocalDate d) {
        return (int) d.toEpochDay();
      }
      return ((Number) v).intValue();
    }

    @Override
    public long getLong(int row) {
      Object v = value(row);
      if (v instanceof java.sql.Timestamp t) {
        return micros(t.toInstant());
      }
      if (v instanceof Instant t) {
        return micros(t);
      }
      return ((Number) v).longValue();
    }

    @Override
    public float getFloat(int row) {
      return ((Number) value(row)).floatValue();
    }

    @Override
    public double getDouble(int row) {
      return ((Number) value(row)).doubleValue();
    }

    @Override
    public String getString(int row) {
      return value(row).toString();
    }

    private static long micros(Instant instant) {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    }
  }
}
