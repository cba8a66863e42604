package lakeops.jobs;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import lakeops.exceptions.InvalidConfigException;
import lakeops.jobs.JobSpec.Schedule;

/**
 * A job's Quartz cron expression in its time zone, parsed by cron-utils: when does it fire next.
 */
final class CronSchedule {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

  private final ExecutionTime executionTime;
  private final ZoneId zone;

  private CronSchedule(ExecutionTime executionTime, ZoneId zone) {
    this.executionTime = executionTime;
    this.zone = zone;
  }

  /** The parsed schedule; an {@link InvalidConfigException} says why an expression is bad. */
  public static CronSchedule of(Schedule schedule) {
    String expression = schedule.quartzCronExpression();
    if (expression == null || expression.isBlank()) {
      throw JobErrors.noCronExpression();
    }
    try {
      return new CronSchedule(
          ExecutionTime.forCron(PARSER.parse(expression.strip())),
          ZoneId.of(schedule.timezoneId()));
    } catch (IllegalArgumentException e) {
      throw JobErrors.badCronExpression(expression, e.getMessage());
    }
  }

  /** The first fire time strictly after {@code after}, if the expression fires again. */
  public Optional<Instant> nextAfter(Instant after) {
    return executionTime
        .nextExecution(ZonedDateTime.ofInstant(after, zone))
        .map(ZonedDateTime::toInstant);
  }
}
