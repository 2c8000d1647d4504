package timeslave.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorBoundTest {
    static final long SEC = 1_000_000_000L;
    static final long T0 = 100 * SEC;

    final ErrorBound b = new ErrorBound(T0, -50_000, 70_000, 1_000, 15_000);

    @Test
    void movesWithFrequencyAndWidensWithGrowth() {
        assertEquals(-50_000 + 10_000 - 150_000, b.lo(T0 + 10 * SEC), 1e-6);
        assertEquals(70_000 + 10_000 + 150_000, b.hi(T0 + 10 * SEC), 1e-6);
        assertEquals(60_000 + 150_000, b.halfWidthNanos(T0 + 10 * SEC), 1e-6);
        assertEquals(230_000, b.maxErrorNanos(T0 + 10 * SEC), 1e-6);
    }

    @Test
    void aWanderAllowanceWidensAsTheTimeToTheThreeHalves() {
        // 2 ns/s per sqrt(s): after 100 s, 2 * 100^1.5 = 2000 ns on each side beyond the 15 ppm line.
        ErrorBound w = new ErrorBound(T0, -50_000, 70_000, 1_000, 15_000, 2);
        assertEquals(b.lo(T0 + 100 * SEC) - 2_000, w.lo(T0 + 100 * SEC), 1e-6);
        assertEquals(b.hi(T0 + 100 * SEC) + 2_000, w.hi(T0 + 100 * SEC), 1e-6);
        assertEquals(b.lo(T0 - 100 * SEC) - 2_000, w.lo(T0 - 100 * SEC), 1e-6);
        // kept through a frequency change and a hull
        long tc = T0 + 100 * SEC;
        assertEquals(2, w.afterChange(tc, 500, 0).wanderNsPerSec15(), 1e-9);
        assertEquals(2, b.hull(w, tc).wanderNsPerSec15(), 1e-9);
    }

    @Test
    void nowGivesEarliestAndLatestTrueTime() {
        ErrorBound.Interval i = b.now(1_000_000_000_000L, T0);
        assertEquals(1_000_000_000_000L - 50_000, i.earliestNanos());
        assertEquals(1_000_000_000_000L + 70_000, i.latestNanos());
    }

    @Test
    void aFrequencyChangeKeepsTheIntervalAtTheChangeAndBendsItAfter() {
        long tc = T0 + 20 * SEC;
        ErrorBound after = b.afterChange(tc, 1_000, 0);
        assertEquals(b.lo(tc), after.lo(tc), 1e-6);
        assertEquals(b.hi(tc), after.hi(tc), 1e-6);
        assertEquals(0, after.freqNsPerSec(), 1e-9);
        // the offset no longer moves, so the centre stays put
        double centre = (after.lo(tc + 10 * SEC) + after.hi(tc + 10 * SEC)) / 2;
        assertEquals((after.lo(tc) + after.hi(tc)) / 2, centre, 1e-6);
    }

    @Test
    void aStepShiftsTheInterval() {
        ErrorBound after = b.afterChange(T0, 0, 10_000);
        assertEquals(-60_000, after.lo(T0), 1e-6);
        assertEquals(60_000, after.hi(T0), 1e-6);
    }

    @Test
    void unknownBoundCoversEverything() {
        assertFalse(ErrorBound.UNKNOWN.known());
        ErrorBound.Interval i = ErrorBound.UNKNOWN.now(5, 5);
        assertEquals(Long.MIN_VALUE, i.earliestNanos());
        assertTrue(ErrorBound.UNKNOWN.afterChange(1, 2, 3) == ErrorBound.UNKNOWN);
    }

    @Test
    void hullHoldsBothBoundsFromThenOn() {
        // A lie's narrow interval 1 s away, and the older wide bound that still holds the truth.
        ErrorBound lie = new ErrorBound(T0 + 50 * SEC, 999_000_000, 1_001_000_000, -2_000, 15_000);
        ErrorBound h = lie.hull(b, T0 + 50 * SEC);
        for (long t = T0 + 50 * SEC; t <= T0 + 5_000 * SEC; t += 50 * SEC) {
            assertTrue(h.lo(t) <= Math.min(lie.lo(t), b.lo(t)) + 1e-3, "lo at " + t);
            assertTrue(h.hi(t) >= Math.max(lie.hi(t), b.hi(t)) - 1e-3, "hi at " + t);
        }
        assertEquals(b.lo(T0 + 50 * SEC), h.lo(T0 + 50 * SEC), 1e-6);
        assertEquals(1_001_000_000, h.hi(T0 + 50 * SEC), 1e-6);
    }
}
