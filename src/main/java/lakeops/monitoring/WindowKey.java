package lakeops.monitoring;

import java.sql.Timestamp;
import java.util.Objects;

/**
 * What one group of profile metrics is about: a window of a granularity (both null for the
 * baseline), a slice ({@code null}/{@code null} = the whole table) and a model version ({@code *} =
 * all).
 *
 * @param logType {@code INPUT} or {@code BASELINE}
 * @param granularity window length as written in the spec, {@code snapshot}, or null for the
 *     baseline
 * @param start window start (inclusive)
 * @param end window end (exclusive)
 * @param sliceKey slicing expression
 * @param sliceValue its value as a string
 * @param modelId model version
 */
record WindowKey(
    String logType,
    String granularity,
    Timestamp start,
    Timestamp end,
    String sliceKey,
    String sliceValue,
    String modelId) {

  /** Input log type. */
  public static final String INPUT = "INPUT";

  /** Baseline log type. */
  public static final String BASELINE = "BASELINE";

  /** This window's key with the baseline's log type and no window: what it drifts against. */
  public WindowKey baseline() {
    return new WindowKey(BASELINE, null, null, null, sliceKey, sliceValue, modelId);
  }

  /** The same slice and model in the window {@code length} millis before. */
  public WindowKey previous(long lengthMillis) {
    return new WindowKey(
        logType,
        granularity,
        new Timestamp(start.getTime() - lengthMillis),
        start,
        sliceKey,
        sliceValue,
        modelId);
  }

  /** Whether this is the whole table (no slice) over all models. */
  public boolean wholeTable() {
    return sliceKey == null && MonitorProperties.ALL_MODELS.equals(modelId);
  }

  /** The window as (granularity, start), ignoring slice and model. */
  public String windowId() {
    return id(granularity, start);
  }

  /**
   * The id of a window of {@code granularity} starting at {@code start}: {@code 1 day@1767225600}.
   */
  public static String id(String granularity, Timestamp start) {
    return granularity + "@" + (start == null ? "-" : Long.toString(start.getTime() / 1000));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowKey k
        && Objects.equals(logType, k.logType)
        && Objects.equals(granularity, k.granularity)
        && Objects.equals(start, k.start)
        && Objects.equals(sliceKey, k.sliceKey)
        && Objects.equals(sliceValue, k.sliceValue)
        && Objects.equals(modelId, k.modelId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(logType, granularity, start, sliceKey, sliceValue, modelId);
  }
}
