package lakeops.monitoring;

import java.sql.Timestamp;

/**
 * One alert that fired, as written to {@code <env>.monitoring.alerts}.
 *
 * @param alertName the rule's name (jobs' alert triggers listen to it)
 * @param firedAt when it fired
 * @param monitor the monitor whose metrics broke the rule
 * @param metric the metric
 * @param columnName the column the metric is about
 * @param windowStart start of the newest window looked at
 * @param windowEnd end of that window
 * @param value the metric's value in that window
 * @param rule what the rule says
 */
public record FiredAlert(
    String alertName,
    Timestamp firedAt,
    String monitor,
    String metric,
    String columnName,
    Timestamp windowStart,
    Timestamp windowEnd,
    double value,
    String rule) {}
