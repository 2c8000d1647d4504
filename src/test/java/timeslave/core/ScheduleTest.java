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

    static final long MAX = 30 * 86_400 * SEC;
    static final int P = Schedule.PRIMED_MEASUREMENTS;

    /** A long-baseline schedule from -r 600 s to 30 days, past priming, with {@code agreed} agreeing measurements since. */
    static Schedule primedLong(int agreed) {
        Schedule s = new Schedule(600 * SEC, MAX, false, new SplittableRandom(1));
        for (int good = 1; good <= P + agreed; good++) {
            s.observe(good, Schedule.Outcome.AGREED, 0);
        }
        return s;
    }

    @Test
    void longBaselineStartsLikeTimeslaveThenDoublesFromTheRateUpToTheMaximum() {
        Schedule s = new Schedule(600 * SEC, MAX, false, new SplittableRandom(1));
        long[] seen = new long[20];
        for (int good = 1; good < P + seen.length; good++) {
            s.observe(good, Schedule.Outcome.AGREED, 10_000);
            long v = s.nextIntervalNanos(good, true);
            if (good < Schedule.COLD_BURST_MEASUREMENTS) {
                assertEquals(2 * SEC, v, "burst, good " + good);
            } else if (good < P) {
                assertEquals(90 * SEC, v, "priming, good " + good);
            } else {
                seen[good - P] = v;
            }
        }
        for (int i = 0; i <= 12; i++) {
            assertEquals((600 * SEC) << i, seen[i], "interval " + i);
        }
        assertEquals(MAX, seen[13]);
        assertEquals(MAX, seen[19]);
    }

    @Test
    void longBaselineKeepsItsIntervalWhileTheDriftIsBetweenTheThresholds() {
        Schedule s = primedLong(3);
        assertEquals(4800 * SEC, s.nextIntervalNanos(100, true));
        s.observe(100, Schedule.Outcome.AGREED, 0.5 * Schedule.LONG_BASELINE_TOLERANCE_NANOS);
        assertEquals(4800 * SEC, s.nextIntervalNanos(100, true));
        s.observe(101, Schedule.Outcome.AGREED, Double.NaN);
        assertEquals(4800 * SEC, s.nextIntervalNanos(101, true), "nothing predicted: no change");
    }

    @Test
    void longBaselineShortensByAsManyHalvingsAsTheDriftNeeds() {
        Schedule s = primedLong(8);
        assertEquals(153_600 * SEC, s.nextIntervalNanos(100, true));
        s.observe(100, Schedule.Outcome.AGREED, 1.5 * Schedule.LONG_BASELINE_TOLERANCE_NANOS);
        assertEquals(76_800 * SEC, s.nextIntervalNanos(100, true), "just over: one halving");
        s.observe(101, Schedule.Outcome.AGREED, 10 * Schedule.LONG_BASELINE_TOLERANCE_NANOS);
        // 10× the tolerance: (1/10)^(2/3) = 0.215 of the interval, three halvings.
        assertEquals(9_600 * SEC, s.nextIntervalNanos(101, true));
        s.observe(102, Schedule.Outcome.AGREED, 1e12);
        assertEquals(600 * SEC, s.nextIntervalNanos(102, true), "never below -r");
    }

    @Test
    void longBaselineGoesBackToTheRateOnASurpriseButNotOnAFailure() {
        Schedule s = primedLong(8);
        assertEquals(600 * SEC, s.nextIntervalNanos(100, false), "a failure retries after -r");
        assertEquals(153_600 * SEC, s.nextIntervalNanos(100, true), "and keeps the doubling");
        s.observe(101, Schedule.Outcome.SURPRISE, 0);
        assertEquals(600 * SEC, s.nextIntervalNanos(101, true));
    }

    @Test
    void longBaselineReachesAMaximumThatIsNoPowerOfTwoOfTheRateWhenTheDriftAllowsTheLastStep() {
        Schedule s = primedLong(12);
        assertEquals(2_457_600 * SEC, s.nextIntervalNanos(100, true));
        // 2 592 000 / 2 457 600 = 1.055: the last step may drift 1/1.055^1.5 = 0.92 of the tolerance.
        s.observe(100, Schedule.Outcome.AGREED, 0.95 * Schedule.LONG_BASELINE_TOLERANCE_NANOS);
        assertEquals(2_457_600 * SEC, s.nextIntervalNanos(100, true));
        s.observe(101, Schedule.Outcome.AGREED, 0.9 * Schedule.LONG_BASELINE_TOLERANCE_NANOS);
        assertEquals(MAX, s.nextIntervalNanos(101, true));
    }

    @Test
    void withoutAMaximumObserveChangesNothing() {
        Schedule a = new Schedule(100 * SEC, false, new SplittableRandom(7));
        Schedule b = new Schedule(100 * SEC, 0, false, new SplittableRandom(7));
        for (int good = 1; good < 40; good++) {
            b.observe(good, good % 5 == 0 ? Schedule.Outcome.SURPRISE : Schedule.Outcome.AGREED, 1e9);
            assertEquals(a.nextIntervalNanos(good, true), b.nextIntervalNanos(good, true), "good " + good);
        }
    }
}
