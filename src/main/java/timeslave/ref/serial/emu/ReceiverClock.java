package timeslave.ref.serial.emu;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import timeslave.ref.serial.ReceiverReading;

/**
 * The emulated receiver's idea of UTC as a function of the host's monotonic clock: a start
 * time, a drift in ppm, and optionally one inserted leap second (shown as 23:59:60), with the
 * milliseconds truncated as a receiver's display truncates them.
 *
 * @param startMonoNanos    host monotonic ns at which the receiver read {@code startReceiverNanos}
 * @param startReceiverNanos the receiver's POSIX ns at that instant
 * @param driftPpm          receiver rate error against the host monotonic clock, ppm (+ = fast)
 * @param leapAtNanos       POSIX ns of the midnight before which a leap second is inserted, or
 *                          {@link Long#MAX_VALUE} for none
 */
public record ReceiverClock(long startMonoNanos, long startReceiverNanos, double driftPpm, long leapAtNanos) {

    static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** A reading with its year. */
    public record Label(int year, ReceiverReading reading) {
    }

    /** The receiver's continuous count of SI seconds (POSIX ns before any leap second) at host {@code mono}. */
    public long countNanos(long mono) {
        long elapsed = mono - startMonoNanos;
        return startReceiverNanos + elapsed + Math.round(elapsed * driftPpm / 1e6);
    }

    /** What the receiver displays at host monotonic instant {@code mono}. */
    public Label labelAt(long mono) {
        long c = countNanos(mono);
        if (c >= leapAtNanos) {
            if (c < leapAtNanos + NANOS_PER_SECOND) {
                Label before = label(leapAtNanos - NANOS_PER_SECOND + (c - leapAtNanos));
                ReceiverReading r = before.reading();
                return new Label(before.year(), new ReceiverReading(r.dayOfYear(), 23, 59, 60, r.millis()));
            }
            c -= NANOS_PER_SECOND;
        }
        return label(c);
    }

    static Label label(long posixNanos) {
        long secs = Math.floorDiv(posixNanos, NANOS_PER_SECOND);
        int millis = (int) (Math.floorMod(posixNanos, NANOS_PER_SECOND) / 1_000_000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC);
        return new Label(t.getYear(), new ReceiverReading(t.getDayOfYear(), t.getHour(), t.getMinute(), t.getSecond(),
                millis));
    }

    /** POSIX ns of the midnight that ends the UTC day containing {@code posixNanos}. */
    public static long nextMidnightNanos(long posixNanos) {
        long day = Math.floorDiv(Math.floorDiv(posixNanos, NANOS_PER_SECOND), 86_400L);
        return (day + 1) * 86_400L * NANOS_PER_SECOND;
    }

    /** POSIX ns of an instant. */
    public static long nanos(Instant i) {
        return i.getEpochSecond() * NANOS_PER_SECOND + i.getNano();
    }
}
