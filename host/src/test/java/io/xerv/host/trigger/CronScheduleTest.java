package io.xerv.host.trigger;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Next-fire computations against fixed instants, and the refusals of bad schedules. */
class CronScheduleTest {

    /** A Monday. */
    static final Instant NOW = Instant.parse("2026-11-23T00:35:10Z");

    static Instant next(String expression, String zone, Instant after) {
        return CronSchedule.parse(expression, zone).next(after).orElseThrow();
    }

    @Test
    void secondsFieldFiresWithinTheMinute() {
        assertThat(next("*/10 * * * * *", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-23T00:35:20Z"));
        assertThat(next("* * * * * *", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-23T00:35:11Z"));
    }

    @Test
    void nextIsStrictlyAfterTheGivenInstant() {
        Instant exact = Instant.parse("2026-11-23T00:35:20Z");
        assertThat(next("*/10 * * * * *", "UTC", exact)).isEqualTo(Instant.parse("2026-11-23T00:35:30Z"));
    }

    @Test
    void fractionsOfASecondAreDropped() {
        assertThat(next("* * * * * *", "UTC", Instant.parse("2026-11-23T00:35:10.999Z"))).isEqualTo(Instant.parse("2026-11-23T00:35:11Z"));
        assertThat(next("* * * * * *", "UTC", Instant.parse("2026-11-23T00:35:10.001Z"))).isEqualTo(Instant.parse("2026-11-23T00:35:11Z"));
    }

    @Test
    void stepsOnMinutesStartAtSecondZero() {
        assertThat(next("0 */5 * * * *", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-23T00:40:00Z"));
    }

    @Test
    void weekdayNamesAndNumbersAgreeAndZeroAndSevenAreSunday() {
        assertThat(next("0 0 9 * * MON-FRI", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
        assertThat(next("0 0 9 * * 1", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
        assertThat(next("0 0 9 * * 0", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-29T09:00:00Z"));
        assertThat(next("0 0 9 * * 7", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-29T09:00:00Z"));
        assertThat(next("0 0 9 * * SUN", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-29T09:00:00Z"));
    }

    @Test
    void lastDayOfMonthAndNthWeekday() {
        assertThat(next("0 0 0 L * ?", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        // the second Friday of December 2026
        assertThat(next("0 0 0 ? * 5#2", "UTC", NOW)).isEqualTo(Instant.parse("2026-12-11T00:00:00Z"));
    }

    @Test
    void restrictedDayOfMonthAndDayOfWeekMustBothMatch() {
        // Friday the 13th: the next is in August 2027
        assertThat(next("0 0 12 13 * FRI", "UTC", NOW)).isEqualTo(Instant.parse("2027-08-13T12:00:00Z"));
    }

    @Test
    void sevenFieldsReadTheYear() {
        assertThat(next("0 0 0 1 1 * 2030", "UTC", NOW)).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(CronSchedule.parse("0 0 0 1 1 * 2030", "UTC").next(Instant.parse("2030-06-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void fieldsAreReadInTheTimeZone() {
        // 09:00 in Paris is 08:00 UTC in winter
        assertThat(next("0 0 9 * * *", "Europe/Paris", NOW)).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
        assertThat(next("0 0 9 * * *", "America/New_York", NOW)).isEqualTo(Instant.parse("2026-11-23T14:00:00Z"));
        assertThat(next("0 0 9 * * *", "UTC", NOW)).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
    }

    @Test
    void aLocalTimeSkippedByDaylightSavingIsSkipped() {
        // 2026-03-29 02:30 does not exist in Paris (clocks jump from 02:00 to 03:00)
        Instant before = Instant.parse("2026-03-28T23:00:00Z");
        assertThat(next("0 30 2 * * *", "Europe/Paris", before)).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
    }

    @Test
    void aRepeatedLocalHourFiresOnce() {
        // 2026-10-25 02:30 happens twice in Paris: at 00:30 UTC (+02:00) and 01:30 UTC (+01:00)
        CronSchedule s = CronSchedule.parse("0 30 2 * * *", "Europe/Paris");
        Instant first = s.next(Instant.parse("2026-10-24T22:00:00Z")).orElseThrow();
        assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(s.next(first).orElseThrow()).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void fiveFieldUnixSchedulesAreRefusedWithTheSecondsFieldSpelledOut() {
        assertThatThrownBy(() -> CronSchedule.parse("*/5 * * * *", "UTC"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'*/5 * * * *' has 5 fields; a schedule needs a seconds field first: "
                        + "'sec min hour day month weekday [year]', for example '0 */5 * * * *'");
    }

    @Test
    void wrongFieldCountsAreRefused() {
        assertThatThrownBy(() -> CronSchedule.parse("* * *", "UTC"))
                .hasMessage("'* * *' has 3 fields; expected 6 or 7: 'sec min hour day month weekday [year]'");
        assertThatThrownBy(() -> CronSchedule.parse("  ", "UTC")).hasMessageContaining("has 0 fields");
    }

    @Test
    void outOfRangeValuesNameTheRange() {
        assertThatThrownBy(() -> CronSchedule.parse("0 61 * * * *", "UTC"))
                .hasMessage("'0 61 * * * *' is not a valid cron schedule: Value 61 not in range [0, 59]");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 0 * * 8", "UTC"))
                .hasMessageContaining("Value 8 not in range [0, 7]");
    }

    @Test
    void unknownWordsAreRefused() {
        assertThatThrownBy(() -> CronSchedule.parse("0 0 0 * * FUNDAY", "UTC"))
                .hasMessageStartingWith("'0 0 0 * * FUNDAY' is not a valid cron schedule: ");
    }

    @Test
    void schedulesThatNeverFireAreRefused() {
        assertThatThrownBy(() -> CronSchedule.parse("0 0 0 30 2 *", "UTC"))
                .hasMessage("'0 0 0 30 2 *' never fires (no date matches it)");
    }

    @Test
    void unknownTimeZonesAreRefused() {
        assertThatThrownBy(() -> CronSchedule.parse("* * * * * *", "Mars/Olympus"))
                .hasMessage("'Mars/Olympus' is not a time zone (use an id like 'Europe/Paris' or 'UTC')");
    }
}
