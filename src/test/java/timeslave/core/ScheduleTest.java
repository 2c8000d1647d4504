package timeslave.core;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {
    static final long SEC = 1_000_000_000L;

    @Test
    void burstThenNinetySecondsUntilPrimedThenRate() {
        Schedule s = new Schedule(210 * SEC, false, new SplittableRandom(1));
        for (int good = 1; good < Schedule.COLD_BURST_MEASUREMENTS; good++) {
            assertEquals(2 * SEC, s.nextIntervalNanos(good, true), "good " + good);
        }
        for (int good = Schedule.COLD_BURST_MEASUREMENTS; good < Schedule.PRIMED_MEASUREMENTS; good++) {
            assertEquals(90 * SEC, s.nextIntervalNanos(good, true), "good " + good);
        }
        long v = s.nextIntervalNanos(Schedule.PRIMED_MEASUREMENTS, true);
        assertTrue(v >= 189 * SEC && v <= 231 * SEC, "interval " + v);
    }

    @Test
    void warmStartHasAShorterBurst() {
        Schedule s = new Schedule(210 * SEC, true, new SplittableRandom(1));
        assertEquals(2 * SEC, s.nextIntervalNanos(Schedule.WARM_BURST_MEASUREMENTS - 1, true));
        assertEquals(90 * SEC, s.nextIntervalNanos(Schedule.WARM_BURST_MEASUREMENTS, true));
    }

    @Test
    void failuresDuringTheBurstWaitTheStartPeriod() {
        Schedule s = new Schedule(210 * SEC, false, new SplittableRandom(1));
        assertEquals(90 * SEC, s.nextIntervalNanos(0, false));
    }

    @Test
    void shortRateIsUsedFromTheStart() {
        Schedule s = new Schedule(16 * SEC, false, new SplittableRandom(1));
        assertEquals(16 * SEC, s.nextIntervalNanos(Schedule.COLD_BURST_MEASUREMENTS, true));
    }

    @Test
    void randomChangeIsWithinTenPercentAveragesToTheRateAndRepeatsWithTheSeed() {
        Schedule a = new Schedule(100 * SEC, false, new SplittableRandom(42));
        Schedule b = new Schedule(100 * SEC, false, new SplittableRandom(42));
        double sum = 0;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            long v = a.nextIntervalNanos(100, true);
            assertEquals(v, b.nextIntervalNanos(100, true));
            assertTrue(v >= 90 * SEC && v <= 110 * SEC, "interval " + v);
            sum += v;
        }
        assertEquals(100 * SEC, sum / n, 0.5 * SEC);
    }
}
