package timeslave.ref.serial;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One time of day as a receiver displays it, without a year: day of year (1-based), hours,
 * minutes, seconds (60 during a leap second) and milliseconds, UTC.
 */
public record ReceiverReading(int dayOfYear, int hour, int minute, int second, int millis) {

    static final long NANOS_PER_SECOND = 1_000_000_000L;
    static final long NANOS_PER_MILLI = 1_000_000L;
    static final long SECONDS_PER_DAY = 86_400L;

    /** True if the fields are in range: a second of 60 only in the last minute of a UTC day. */
    public boolean inRange() {
        if (dayOfYear < 1 || dayOfYear > 366 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || millis < 0 || millis > 999 || second < 0 || second > 60) {
            return false;
        }
        return second < 60 || (hour == 23 && minute == 59);
    }

    /** True if this reading is inside an inserted leap second (23:59:60). */
    public boolean isLeapSecond() {
        return second == 60;
    }

    /** Milliseconds since 00:00:00 of the reading's day (a leap second counts as 86 400 000 + ms). */
    public long millisOfDay() {
        return ((hour * 60L + minute) * 60L + second) * 1000L + millis;
    }

    /**
     * POSIX nanoseconds of this reading in {@code year}. A leap-second reading 23:59:60.mmm maps to
     * POSIX 23:59:59.mmm, the second a Linux kernel repeats while it inserts the leap second; so the
     * offset is right whether or not the local kernel knew of the leap second.
     *
     * @throws DateTimeException if the day does not exist in that year (day 366 of a common year)
     */
    public long posixNanos(int year) {
        LocalDate date = LocalDate.ofYearDay(year, dayOfYear);
        long daySeconds = date.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        int sec = isLeapSecond() ? 59 : second;
        long seconds = daySeconds + (hour * 60L + minute) * 60L + sec;
        return seconds * NANOS_PER_SECOND + millis * NANOS_PER_MILLI;
    }

    @Override
    public String toString() {
        return String.format("%03d:%02d:%02d:%02d.%03d", dayOfYear, hour, minute, second, millis);
    }
}
