package timeslave.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** --adaptive-rate: the interval follows the fit's scatter and the learnt wander within MIN..MAX (Schedule). */
class AdaptiveScheduleTest {
    static final long SEC = 1_000_000_000L;
    static final int PRIMED = Schedule.PRIMED_MEASUREMENTS + 1;

    static Schedule adaptive(long rateSec, long minSec, long maxSec) {
        return new Schedule(rateSec * SEC, 0, minSec * SEC, maxSec * SEC, false, new SplittableRandom(1));
    }

    /** Where w·T^1.5/√3 = F·σ. */
    static double targetSec(double scatterNanos, double wander) {
        double r = scatterNanos / wander;
        return Math.cbrt(3 * Schedule.DRIFT_TO_SCATTER * Schedule.DRIFT_TO_SCATTER * r * r);
    }

    @Test
    void startsAtTheRateKeptWithinTheRange() {
        assertEquals(64 * SEC, adaptive(64, 64, 1024).adaptiveIntervalNanos());
        assertEquals(64 * SEC, adaptive(16, 64, 1024).adaptiveIntervalNanos());
        assertEquals(1024 * SEC, adaptive(5000, 64, 1024).adaptiveIntervalNanos());
        assertTrue(adaptive(64, 64, 1024).adaptive());
        assertFalse(new Schedule(64 * SEC, false, new SplittableRandom(1)).adaptive());
    }

    @Test
    void settlesWhereTheWandersDriftOverOneIntervalEqualsTheScatter() {
        // path100-like: 30 µs scatter, 1 ns/s per √s → about 1400 s; 10× wander → about 300 s.
        for (double wander : new double[] {1, 10}) {
            Schedule s = adaptive(64, 16, 4096);
            for (int i = 0; i < 200; i++) {
                s.adapt(PRIMED + i, false, 30_000, wander);
            }
            assertEquals(targetSec(30_000, wander), s.adaptiveIntervalNanos() / 1e9, 0.01 * targetSec(30_000, wander));
        }
        assertEquals(1392.5, targetSec(30_000, 1), 1);
        assertEquals(300.0, targetSec(30_000, 10), 1);
    }

    @Test
    void movesAFractionOfTheWayEachTimeAndAtMostByTheStep() {
        Schedule s = adaptive(256, 16, 4096);
        s.adapt(PRIMED, false, 30_000, 1);
        assertEquals(256 * Math.pow(targetSec(30_000, 1) / 256, Schedule.ADAPT_WEIGHT),
                s.adaptiveIntervalNanos() / 1e9, 0.01);
        Schedule far = adaptive(64, 16, 4096);
        far.adapt(PRIMED, false, 30_000, 1);
        assertEquals(64 * Schedule.ADAPT_STEP, far.adaptiveIntervalNanos() / 1e9, 0.01);
    }

    @Test
    void staysWithinMinAndMax() {
        Schedule s = adaptive(64, 64, 1024);
        for (int i = 0; i < 200; i++) {
            s.adapt(PRIMED + i, false, 1e9, 1e-3);
        }
        assertEquals(1024 * SEC, s.adaptiveIntervalNanos());
        for (int i = 0; i < 200; i++) {
            s.adapt(PRIMED + i, false, 1, 1e3);
        }
        assertEquals(64 * SEC, s.adaptiveIntervalNanos());
    }

    @Test
    void aRefusedSampleHalvesTheInterval() {
        Schedule s = adaptive(512, 64, 1024);
        s.adapt(PRIMED, true, 30_000, 1);
        assertEquals(256 * SEC, s.adaptiveIntervalNanos());
    }

    @Test
    void nothingLearntWhilePrimingOrWithoutAWanderNothingChanges() {
        Schedule s = adaptive(64, 64, 1024);
        s.adapt(Schedule.PRIMED_MEASUREMENTS, false, 30_000, 1);
        s.adapt(PRIMED, false, 30_000, Double.NaN);
        s.adapt(PRIMED, false, Double.NaN, 1);
        s.adapt(PRIMED, false, 0, 1);
        assertEquals(64 * SEC, s.adaptiveIntervalNanos());
        Schedule fixed = new Schedule(64 * SEC, false, new SplittableRandom(1));
        fixed.adapt(PRIMED, false, 30_000, 1);
        assertEquals(64 * SEC, fixed.adaptiveIntervalNanos());
    }

    @Test
    void theWaitIsTheAdaptiveIntervalWithinTenPercent() {
        Schedule s = adaptive(500, 64, 1024);
        for (int i = 0; i < 100; i++) {
            long v = s.nextIntervalNanos(PRIMED, true);
            assertTrue(v >= 450 * SEC && v <= 550 * SEC, "interval " + v);
        }
    }

    @Test
    void aBadRangeOrOneWithALongBaselineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Schedule(64 * SEC, 0, 128 * SEC, 64 * SEC, false,
                new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(64 * SEC, 86_400 * SEC, 64 * SEC, 1024 * SEC,
                false, new SplittableRandom(1)));
    }
}
