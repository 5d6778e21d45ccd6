package io.xerv.host.trigger;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron trigger's schedule: a cron expression with a seconds field, read in a time zone. Immutable
 * and thread-safe.
 *
 * <p>The fields are {@code sec min hour day-of-month month day-of-week [year]}. Day of week runs
 * 0–7 with both 0 and 7 meaning Sunday (as in Unix crontab), or {@code MON}–{@code SUN}; months take
 * {@code JAN}–{@code DEC}. {@code ?}, {@code L}, {@code W}, {@code LW} (day of month) and {@code L},
 * {@code #} (day of week) are understood. When both day of month and day of week are restricted, a
 * time must match both. A five-field Unix expression is refused rather than guessed at: it would fire
 * every second of the minutes it names if read with a seconds field.
 */
public final class CronSchedule {

    /** The grammar, built once; cron-utils definitions and parsers are immutable. */
    private static final CronDefinition DEFINITION = CronDefinitionBuilder.defineCron()
            .withSeconds().and()
            .withMinutes().and()
            .withHours().and()
            .withDayOfMonth().supportsL().supportsW().supportsLW().supportsQuestionMark().and()
            .withMonth().and()
            .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0)
                    .supportsHash().supportsL().supportsQuestionMark().and()
            .withYear().withValidRange(1970, 2099).optional().and()
            .instance();
    private static final CronParser PARSER = new CronParser(DEFINITION);
    private static final String PARSER_PREFIX = "Failed to parse cron expression. ";

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime executionTime) {
        this.expression = expression;
        this.zone = zone;
        this.executionTime = executionTime;
    }

    /**
     * Parses {@code expression} to be read in {@code zoneId}.
     *
     * @throws IllegalArgumentException with the reason, in words a flow author can act on: a wrong
     *     field count, a value out of range, a time zone that does not exist, a schedule that never
     *     fires
     */
    public static CronSchedule parse(String expression, String zoneId) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zoneId, "zoneId");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneId);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + zoneId + "' is not a time zone (use an id like 'Europe/Paris' or 'UTC')");
        }
        String trimmed = expression.strip();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        if (fields == 5) {
            throw new IllegalArgumentException("'" + expression + "' has 5 fields; a schedule needs a seconds field first: "
                    + "'sec min hour day month weekday [year]', for example '0 " + trimmed + "'");
        }
        if (fields != 6 && fields != 7) {
            throw new IllegalArgumentException("'" + expression + "' has " + fields
                    + " fields; expected 6 or 7: 'sec min hour day month weekday [year]'");
        }
        Cron cron;
        try {
            cron = PARSER.parse(trimmed).validate();
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (reason.startsWith(PARSER_PREFIX)) {
                reason = reason.substring(PARSER_PREFIX.length());
            }
            throw new IllegalArgumentException("'" + expression + "' is not a valid cron schedule: " + reason);
        }
        CronSchedule schedule = new CronSchedule(trimmed, zone, ExecutionTime.forCron(cron));
        // A fixed, far-back start finds schedules such as '0 0 0 30 2 *' that can never fire.
        if (schedule.next(Instant.parse("2000-01-01T00:00:00Z")).isEmpty()) {
            throw new IllegalArgumentException("'" + expression + "' never fires (no date matches it)");
        }
        return schedule;
    }

    /** The expression as written, without surrounding blanks. */
    public String expression() {
        return expression;
    }

    /** The time zone the fields are read in. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * The first time strictly after {@code after} that the schedule matches; empty when it matches
     * no later time (a year field in the past). Local times that a daylight-saving change skips are
     * skipped; a repeated local hour fires once.
     */
    public Optional<Instant> next(Instant after) {
        Objects.requireNonNull(after, "after");
        // Whole seconds: cron-utils keeps the fraction of the second it is given.
        ZonedDateTime from = ZonedDateTime.ofInstant(after.truncatedTo(ChronoUnit.SECONDS), zone);
        return executionTime.nextExecution(from).map(ZonedDateTime::toInstant);
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
