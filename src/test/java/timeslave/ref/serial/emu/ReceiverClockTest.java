package timeslave.ref.serial.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import timeslave.ref.serial.ReceiverReading;

class ReceiverClockTest {

    static final long S = 1_000_000_000L;

    @Test
    void labelsTruncateMillisecondsAndCarryTheYear() {
        ReceiverClock c = new ReceiverClock(0, ReceiverClock.nanos(Instant.parse("1997-03-15T12:34:56.789999Z")), 0,
                Long.MAX_VALUE);
        assertEquals(new ReceiverClock.Label(1997, new ReceiverReading(74, 12, 34, 56, 789)), c.labelAt(0));
    }

    @Test
    void driftIsPartsPerMillionOfElapsedTime() {
        ReceiverClock c = new ReceiverClock(5 * S, 0, 100, Long.MAX_VALUE);
        assertEquals(1000 * S + 100_000_000L, c.countNanos(5 * S + 1000 * S));
    }

    @Test
    void aLeapSecondShowsAs235960AndThenTheLabelsRunOneSecondBehindTheCount() {
        long start = ReceiverClock.nanos(Instant.parse("2016-12-31T23:59:59.500Z"));
        long midnight = ReceiverClock.nextMidnightNanos(start);
        assertEquals(ReceiverClock.nanos(Instant.parse("2017-01-01T00:00:00Z")), midnight);
        ReceiverClock c = new ReceiverClock(0, start, 0, midnight);
        assertEquals(new ReceiverReading(366, 23, 59, 59, 999), c.labelAt(499_999_999L).reading());
        assertEquals(new ReceiverReading(366, 23, 59, 60, 0), c.labelAt(S / 2).reading());
        assertEquals(new ReceiverReading(366, 23, 59, 60, 999), c.labelAt(S + S / 2 - 1).reading());
        assertEquals(new ReceiverClock.Label(2017, new ReceiverReading(1, 0, 0, 0, 0)), c.labelAt(S + S / 2));
    }

    @Test
    void faultNamesParseInEitherSpelling() {
        assertEquals(Fault.BAD_STATUS, Fault.parse("bad-status"));
        assertEquals(Fault.NO_TIME, Fault.parse("NO_TIME"));
    }
}
