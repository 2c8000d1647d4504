package timeslave.core;

import timeslave.time.Sample;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterTest {
    static final long SEC = 1_000_000_000L;
    static final long T0 = 5_000 * SEC;
    /** learnsAOneSidedPathsAsymmetry: RMS offset error over 20 seeds, ns (measured 31 µs learning the asymmetry, 143 µs without). */
    static final double ONE_SIDED_RMS_LIMIT_NANOS = 60_000;

    /** A two-way exchange over base + Exp(jitter) each way against a clock whose offset is a + b·t. */
    static Sample exchange(SplittableRandom r, long mono, double offsetNanos, double baseNanos, double upJitter,
                           double downJitter) {
        double up = baseNanos + upJitter * -Math.log(1 - r.nextDouble());
        double down = baseNanos + downJitter * -Math.log(1 - r.nextDouble());
        double measured = offsetNanos + (up - down) / 2;
        long delay = Math.round(up + down);
        return new Sample("test", mono, mono, Math.round(measured), delay, delay / 2 + 1);
    }

    static Filter filter() {
        return new Filter(Settings.DEFAULT_MAX_DRIFT_NS_PER_SEC);
    }

    /**
     * Jitter almost all one way (up 0.06x, down 1.94x of 1 ms, as the one-sided benchmark row): each
     * sample's offset is low by about half its excess delay. Without learning the asymmetry the
     * estimate is off by 143 µs RMS over 20 seeds; with it, 31 µs (limit 60).
     */
    @Test
    void learnsAOneSidedPathsAsymmetry() {
        double sumSq = 0;
        int seeds = 20;
        for (long seed = 1; seed <= seeds; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            double a = 250_000;
            double b = 2_000;
            int n = 60;
            for (int i = 0; i < n; i++) {
                long mono = T0 + i * 64 * SEC;
                f.add(exchange(r, mono, a + b * i * 64, 10_000_000, 60_000, 1_940_000));
            }
            long now = T0 + (n - 1) * 64 * SEC;
            double err = f.estimate(now).offsetNanos() - (a + b * (n - 1) * 64);
            sumSq += err * err;
            assertTrue(f.asymmetry() < -0.3, "seed " + seed + ": asymmetry " + f.asymmetry());
        }
        double rms = Math.sqrt(sumSq / seeds);
        assertTrue(rms < ONE_SIDED_RMS_LIMIT_NANOS, "RMS error " + rms + " ns");
    }

    /** On a symmetric path the asymmetry stays near 0: samples are not shifted by their delay. */
    @Test
    void aSymmetricPathLearnsNoAsymmetry() {
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            for (int i = 0; i < 100; i++) {
                long mono = T0 + i * 64 * SEC;
                f.add(exchange(r, mono, 0, 100_000, 100_000, 100_000));
            }
            assertTrue(Math.abs(f.asymmetry()) < 0.1, "seed " + seed + ": asymmetry " + f.asymmetry());
        }
    }

    @Test
    void fewerThanThreeSamplesGiveNoEstimate() {
        Filter f = filter();
        f.add(new Sample("t", T0, T0, 1000, 100, 51));
        f.add(new Sample("t", T0 + SEC, T0 + SEC, 1000, 100, 51));
        assertNull(f.estimate(T0 + SEC));
    }

    @Test
    void recoversOffsetAndFrequencyFromJitteredSamples() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            double a = 250_000;        // ns at T0
            double b = -3_000;         // ns/s
            for (int i = 0; i < 40; i++) {
                long mono = T0 + i * 16 * SEC;
                f.add(exchange(r, mono, a + b * i * 16, 100_000, 100_000, 100_000));
            }
            long now = T0 + 39 * 16 * SEC;
            Estimate e = f.estimate(now);
            assertNotNull(e);
            double truth = a + b * 39 * 16;
            assertTrue(Math.abs(e.offsetNanos() - truth) < 60_000, "seed " + seed + ": offset " + e.offsetNanos()
                    + " truth " + truth);
            assertTrue(Math.abs(e.freqNsPerSec() - b) < 500, "seed " + seed + ": freq " + e.freqNsPerSec());
            // The skew is a scale, not a guarantee: the lowest-delay samples are trusted beyond what the
            // unknown true minimum delay warrants, so allow it to be optimistic by up to 3x.
            assertTrue(3 * e.skewNsPerSec() > Math.abs(e.freqNsPerSec() - b), "seed " + seed + ": skew " + e.skewNsPerSec()
                    + " must bound the error " + (e.freqNsPerSec() - b) + " (" + e.samples() + " samples)");
        }
    }

    @Test
    void lowDelaySamplesOutweighLongDelayOnes() {
        Filter f = filter();
        // True offset 0. Samples with 1 ms extra delay on the way back read −0.5 ms; the few fast ones read 0.
        for (int i = 0; i < 30; i++) {
            long mono = T0 + i * 16 * SEC;
            boolean fast = i % 5 == 0;
            long delay = fast ? 200_000 : 1_200_000;
            long offset = fast ? 0 : -500_000;
            f.add(new Sample("t", mono, mono, offset, delay, delay / 2));
        }
        Estimate e = f.estimate(T0 + 29 * 16 * SEC);
        assertTrue(Math.abs(e.offsetNanos()) < 50_000, "estimate " + e.offsetNanos() + " should follow the fast samples");
    }

    @Test
    void singleSpikeIsRejectedAndChangesNothing() {
        SplittableRandom r = new SplittableRandom(7);
        Filter f = filter();
        for (int i = 0; i < 20; i++) {
            f.add(exchange(r, T0 + i * 64 * SEC, 0, 100_000, 100_000, 100_000));
        }
        long now = T0 + 20 * 64 * SEC;
        double before = f.estimate(now).offsetNanos();
        Filter.Verdict v = f.add(new Sample("liar", now, now, 300_000_000L, 250_000, 125_000));
        assertEquals(Filter.Verdict.REJECTED_SPIKE, v);
        assertEquals(before, f.estimate(now).offsetNanos(), 1e-6);
    }

    @Test
    void sampleImplyingMoreThanMaxDriftIsRejected() {
        Filter f = new Filter(1_000);  // -D 1 µs/s
        for (int i = 0; i < 10; i++) {
            f.add(new Sample("t", T0 + i * SEC, T0 + i * SEC, 0, 100_000, 50_000));
        }
        // 10 ms off one second later: 10 000 000 ns/s implied, far beyond 1 000 ns/s.
        Filter.Verdict v = f.add(new Sample("t", T0 + 10 * SEC, T0 + 10 * SEC, 10_000_000, 100_000, 50_000));
        assertEquals(Filter.Verdict.REJECTED_DRIFT, v);
    }

    @Test
    void threeAgreeingRejectionsRestartTheFilterOnThem() {
        Filter f = filter();
        for (int i = 0; i < 20; i++) {
            f.add(new Sample("t", T0 + i * 64 * SEC, T0, 0, 100_000, 50_000));
        }
        long t = T0 + 20 * 64 * SEC;
        assertEquals(Filter.Verdict.REJECTED_SPIKE, f.add(new Sample("t", t, t, -500_000_000, 100_000, 50_000)));
        assertEquals(Filter.Verdict.REJECTED_SPIKE, f.add(new Sample("t", t + 64 * SEC, t, -500_000_000, 100_000, 50_000)));
        assertEquals(Filter.Verdict.JUMP, f.add(new Sample("t", t + 128 * SEC, t, -500_000_000, 100_000, 50_000)));
        assertEquals(3, f.size());
        assertEquals(-500_000_000, f.estimate(t + 128 * SEC).offsetNanos(), 1_000);
        assertTrue(f.newestAgree(3));
    }

    /**
     * Issue 9, failure 1: after good samples, one sample claims +1e6 s with a bound of 2e7 s, then
     * two samples say +1 s. The wide bound used to count as slack, so the three "agreed" and the
     * filter restarted on them (then a step by days followed from the fit through them).
     */
    @Test
    void oneWideBoundSampleCannotMakeOthersAgree() {
        Filter f = filter();
        for (int i = 0; i < 60; i++) {
            f.add(new Sample("t", T0 + i * 16 * SEC, T0, 0, 200_000, 100_000));
        }
        long t = T0 + 60 * 16 * SEC;
        f.add(new Sample("t", t, t, 1_000_000 * SEC, 0, 20_000_000 * SEC));
        assertTrue(f.add(new Sample("t", t + 2 * SEC, t, SEC, 200_000, 100_000)) != Filter.Verdict.ACCEPTED);
        Filter.Verdict v = f.add(new Sample("t", t + 4 * SEC, t, SEC, 200_000, 100_000));
        assertTrue(v != Filter.Verdict.JUMP, "two samples and one that could be anywhere are not three agreeing");
        assertEquals(0, f.estimate(t + 4 * SEC).offsetNanos(), 1_000_000);
    }

    /** The same among the first samples, before any fit: a wide sample is no vote for a step. */
    @Test
    void aWideBoundSampleIsNoVote() {
        Filter f = filter();
        f.add(new Sample("t", T0, T0, -10_000_000 * SEC, 0, 20_000_000 * SEC));
        f.add(new Sample("t", T0 + 2 * SEC, T0, SEC, 200_000, 100_000));
        f.add(new Sample("t", T0 + 4 * SEC, T0, SEC, 200_000, 100_000));
        assertTrue(!f.newestAgree(3), "only two samples can vote");
    }

    /** Intervals must really intersect: three samples whose bounds just miss each other do not agree. */
    @Test
    void agreementMeansTheIntervalsIntersect() {
        Filter f = filter();
        f.add(new Sample("t", T0, T0, 0, 200_000, 100_000));
        f.add(new Sample("t", T0 + SEC, T0, 250_000, 200_000, 100_000));
        f.add(new Sample("t", T0 + 2 * SEC, T0, 0, 200_000, 100_000));
        assertTrue(!f.newestAgree(3), "0±0.1 ms, 0.25±0.1 ms, 0±0.1 ms: no line within -D meets all three");
    }

    /** A bound wider than 16 s says nothing to act on: refused, neither held nor counted toward a jump. */
    @Test
    void aSampleWhoseBoundIsBeyondSixteenSecondsIsRefused() {
        Filter f = filter();
        assertEquals(Filter.Verdict.REJECTED_BOUND, f.add(new Sample("t", T0, T0, 0, 0, 16 * SEC + 1)));
        assertEquals(0, f.size());
        assertEquals(Filter.Verdict.ACCEPTED, f.add(new Sample("t", T0, T0, 0, 0, 16 * SEC)));
    }

    /** What agreeing samples allow: the fit's frequency when they allow it, and never beyond their bounds. */
    @Test
    void theAgreedIntervalLiesWithinEverySamplesBound() {
        Filter f = filter();
        f.add(new Sample("t", T0, T0, 1_000_000_000, 200_000, 100_000));
        f.add(new Sample("t", T0 + 2 * SEC, T0, 1_000_050_000, 200_000, 100_000));
        f.add(new Sample("t", T0 + 4 * SEC, T0, 1_000_100_000, 200_000, 100_000));
        double[] iv = f.agreedInterval(3, T0 + 4 * SEC, 25_000);
        assertEquals(1_000_100_000 - 105_000, iv[0], 1);
        assertEquals(1_000_100_000 + 105_000, iv[1], 1);
        double[] wild = f.agreedInterval(3, T0 + 4 * SEC, 5e17);
        assertTrue(wild[0] >= 1_000_100_000 - 105_000 && wild[1] <= 1_000_100_000 + 105_000 + 210_000,
                "a wild frequency is held to the slopes the samples allow: " + wild[0] + " " + wild[1]);
        assertEquals(null, f.agreedInterval(4, T0 + 4 * SEC, 0), "too few samples");
    }

    @Test
    void disagreeingSamplesDoNotAgree() {
        Filter f = filter();
        f.add(new Sample("t", T0, T0, 2_000_000_000L, 100_000, 50_000));
        f.add(new Sample("t", T0 + 2 * SEC, T0, 3_000_000_000L, 100_000, 50_000));
        f.add(new Sample("t", T0 + 4 * SEC, T0, 2_000_000_000L, 100_000, 50_000));
        assertTrue(!f.newestAgree(3));
    }

    @Test
    void clockChangesCorrectStoredSamples() {
        Filter f = filter();
        for (int i = 0; i < 10; i++) {
            long mono = T0 + i * 10 * SEC;
            f.add(new Sample("t", mono, mono, 1_000_000 + 2_000L * i * 10, 1000, 500));   // +2000 ns/s
        }
        long tc = T0 + 90 * SEC;
        Estimate before = f.estimate(tc);
        assertEquals(2_000, before.freqNsPerSec(), 1e-6);
        f.clockChanged(tc, 2_000, 0);   // the clock now runs 2000 ns/s faster
        Estimate after = f.estimate(tc);
        assertEquals(0, after.freqNsPerSec(), 1e-6);
        assertEquals(before.offsetNanos(), after.offsetNanos(), 1e-3);
        f.clockChanged(tc, 0, 1_180_000);   // stepped forward by the whole offset
        assertEquals(0, f.estimate(tc).offsetNanos(), 1e-3);
        assertEquals(0, f.estimate(tc + 100 * SEC).offsetNanos(), 1e-3);
    }

    @Test
    void intervalHoldsTheTruthAndWidensWithTime() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            for (int i = 0; i < 30; i++) {
                f.add(exchange(r, T0 + i * 16 * SEC, 0, 50_000, 10_000, 10_000));
            }
            long now = T0 + 29 * 16 * SEC;
            double[] iv = f.interval(now, 15_000);
            assertTrue(iv[0] <= 0 && iv[1] >= 0, "seed " + seed + ": truth 0 outside [" + iv[0] + ", " + iv[1] + "]");
            double[] later = f.interval(now + 100 * SEC, 15_000);
            assertTrue(later[1] - later[0] > iv[1] - iv[0] + 2 * 15_000 * 100 * 0.99, "seed " + seed);
        }
    }

    @Test
    void aKnownFrequencyRestrainsTheSlopeOfAFewSamples() {
        // Three samples 2 s apart whose noise looks like a 10 ppm slope; the timetrim is known to 5 ns/s.
        Filter free = filter();
        Filter held = filter();
        held.frequencyPrior(0, 5);
        long[] offsets = {0, 20_000, 40_000};
        for (int i = 0; i < 3; i++) {
            Sample s = new Sample("t", T0 + i * 2 * SEC, T0, offsets[i], 100_000, 50_000);
            free.add(s);
            held.add(s);
        }
        assertEquals(10_000, free.estimate(T0 + 4 * SEC).freqNsPerSec(), 1);
        assertTrue(Math.abs(held.estimate(T0 + 4 * SEC).freqNsPerSec()) < 1_000,
                "slope " + held.estimate(T0 + 4 * SEC).freqNsPerSec());
    }

    @Test
    void oldSamplesCountLessThanNewOnes() {
        // A perfect sample an hour old disagrees with many fresh noisy ones: the fresh ones win.
        Filter f = filter();
        long t = T0;
        f.add(new Sample("t", t, t, 0, 100_000, 50_000));
        t += 3_600 * SEC;
        for (int i = 0; i < 10; i++) {
            f.add(new Sample("t", t + i * 16 * SEC, t, 500_000 + (i % 2 == 0 ? 20_000 : -20_000), 140_000, 70_000));
        }
        Estimate e = f.estimate(t + 9 * 16 * SEC);
        assertTrue(Math.abs(e.offsetNanos() - 500_000) < 50_000, "estimate " + e.offsetNanos());
    }

    @Test
    void studentTFallsWithDegreesOfFreedom() {
        assertEquals(636.6, Filter.studentT(1), 0.1);
        assertTrue(Filter.studentT(10) > Filter.studentT(30));
        assertEquals(3.5, Filter.studentT(100), 1e-9);
    }

    @Test
    void clockChangesMoveTheTrackedFrequencyToo() {
        Filter f = filter();
        int n = Filter.TRACK_START_SAMPLES + 10;
        for (int i = 0; i < n; i++) {
            long mono = T0 + i * 10 * SEC;
            f.add(new Sample("t", mono, mono, 1_000_000 + 2_000L * i * 10, 1000, 500));   // +2000 ns/s
        }
        long tc = T0 + (n - 1) * 10 * SEC;
        Estimate before = f.estimate(tc);
        assertEquals(2_000, before.freqNsPerSec(), 1e-3);
        f.clockChanged(tc, 2_000, 0);
        assertEquals(0, f.estimate(tc).freqNsPerSec(), 1e-3);
        // Samples of the corrected clock (flat from here) leave the frequency at 0.
        for (int i = 1; i <= 10; i++) {
            long mono = tc + i * 10 * SEC;
            f.add(new Sample("t", mono, mono, Math.round(before.offsetNanos()), 1000, 500));
        }
        assertEquals(0, f.estimate(tc + 100 * SEC).freqNsPerSec(), 1e-3);
    }

    @Test
    void trackedFrequencyFollowsAChangeInTheOscillator() {
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            double offset = 0;
            double rate = 300;         // ns/s, then it changes to −200 at sample 100
            long mono = T0;
            for (int i = 0; i < 400; i++) {
                if (i == 100) {
                    rate = -200;
                }
                mono += 16 * SEC;
                offset += rate * 16;
                f.add(exchange(r, mono, offset, 100_000, 100_000, 100_000));
            }
            // 300 samples (4800 s) after the change a 1 ns/s-per-sqrt(s) tracker has forgotten the old rate;
            // a filter that never forgot would sit near the mean, −75 ns/s.
            Estimate e = f.estimate(mono);
            assertTrue(Math.abs(e.freqNsPerSec() - rate) < 60, "seed " + seed + ": freq " + e.freqNsPerSec() + " wander " + f.wanderNsPerSec15());
            assertTrue(e.skewNsPerSec() < 1_000, "seed " + seed + ": skew " + e.skewNsPerSec());
        }
    }

    @Test
    void offsetFollowsAnOscillatorWanderingFarMoreThanTheTrackerAssumes() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            double offset = 0;
            double rate = 0;
            long mono = T0;
            double sumSq = 0;
            int counted = 0;
            for (int i = 0; i < 600; i++) {
                for (int s = 0; s < 16; s++) {
                    rate += WILD_WANDER_NS_PER_SEC * gaussian(r);   // 30x the assumed 1 ns/s per sqrt(s)
                    offset += rate;
                }
                mono += 16 * SEC;
                f.add(exchange(r, mono, offset, 50_000, 1_000, 1_000));
                if (i >= 300) {
                    double d = f.estimate(mono).offsetNanos() - offset;
                    sumSq += d * d;
                    counted++;
                }
            }
            double rms = Math.sqrt(sumSq / counted);
            assertTrue(rms < 3_000, "seed " + seed + ": RMS offset error " + rms + " ns");
        }
    }

    static final double WILD_WANDER_NS_PER_SEC = 30.0;

    /**
     * Path noise correlated over 100 s (each way's jitter a queue that fills and drains: the sum of
     * two squared Ornstein–Uhlenbeck normals, exponential of mean 100 µs at any instant), polled
     * every 16 s, on an oscillator that does not wander at all: consecutive samples share their
     * error, which predicts the next sample as wander would. Scored one sample ahead the bank
     * learnt 2 to 5 ns/s per √s here (and the grid's correlated case lost 17.5 against 12.2 µs
     * RMS); scored {@link Filter#WANDER_SCORE_HORIZON_SEC} ahead it keeps to the prior's 1 or less.
     */
    @Test
    void pathNoiseCorrelatedOverAMinuteOrTwoDoesNotPassForWander() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            double[] ou = new double[4];
            double rho = Math.exp(-16 / 100.0);
            long mono = T0;
            for (int i = 0; i < 2_000; i++) {
                for (int k = 0; k < ou.length; k++) {
                    ou[k] = rho * ou[k] + Math.sqrt(1 - rho * rho) * gaussian(r);
                }
                double up = 100_000 + 100_000 * (ou[0] * ou[0] + ou[1] * ou[1]) / 2;
                double down = 100_000 + 100_000 * (ou[2] * ou[2] + ou[3] * ou[3]) / 2;
                mono += 16 * SEC;
                long delay = Math.round(up + down);
                f.add(new Sample("queue", mono, mono, Math.round((up - down) / 2), delay, delay / 2 + 1));
            }
            assertTrue(f.wanderNsPerSec15() <= Filter.PRIOR_WANDER_NS_PER_SEC_15,
                    "seed " + seed + ": learnt wander " + f.wanderNsPerSec15());
        }
    }

    /**
     * Loopback against chronyd (issue 13): the exchange is 40 µs long and one leg is 8 µs slower
     * than the other in every exchange (receive latency in user space), with 0.5 µs of jitter. The
     * fit's own sd is well under a µs, 3 of them do not reach the 4 µs error; the reported sd
     * adds the unobservable asymmetry, 40/√12 = 11.5 µs, and covers it.
     */
    @Test
    void reportedSdCoversAnAsymmetryNoExchangeCanSee() {
        SplittableRandom r = new SplittableRandom(13);
        Filter f = filter();
        double trueOffset = 0;
        for (int i = 0; i < 40; i++) {
            long mono = T0 + i * 16 * SEC;
            double up = 24_000 + 500 * r.nextDouble();
            double down = 16_000 + 500 * r.nextDouble();
            long delay = Math.round(up + down);
            f.add(new Sample("loopback", mono, mono, Math.round(trueOffset + (up - down) / 2), delay, delay / 2 + 1));
        }
        Estimate e = f.estimate(T0 + 39 * 16 * SEC);
        double error = Math.abs(e.offsetNanos() - trueOffset);
        assertTrue(error > 3 * e.offsetSdNanos(), "the fit alone is overconfident: error " + error + " sd " + e.offsetSdNanos());
        assertEquals(e.pathSdNanos(), 40_000 / Math.sqrt(12), 200);
        assertTrue(error <= 3 * e.reportedSdNanos(), "error " + error + " reported sd " + e.reportedSdNanos());
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /**
     * 20 µs of jitter each way and, for 30 % of the exchanges, a further Exp(300 µs) wait on the way
     * out only (a loaded host): the quickest replies are right, the slow ones off by half their wait.
     * A slope learnt from the slow tail and applied to the quick replies moved the estimate by −3.9 µs
     * on average (5 seeds, −3.5 to −4.5); learnt from the quicker samples, −0.9 µs.
     */
    @Test
    void aOneSidedTailDoesNotMoveTheQuickReplies() {
        double sumOfMeans = 0;
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Filter f = filter();
            double sum = 0;
            int n = 0;
            for (int i = 0; i < 1500; i++) {
                long mono = T0 + i * 16 * SEC;
                double up = 100_000 + 20_000 * -Math.log(1 - r.nextDouble());
                double down = 100_000 + 20_000 * -Math.log(1 - r.nextDouble());
                if (r.nextDouble() < 0.3) {
                    up += 300_000 * -Math.log(1 - r.nextDouble());
                }
                long delay = Math.round(up + down);
                f.add(new Sample("t", mono, mono, Math.round((up - down) / 2), delay, delay / 2 + 1));
                Estimate e = f.estimate(mono);
                if (i > 300 && e != null) {
                    sum += e.offsetNanos();
                    n++;
                }
            }
            sumOfMeans += sum / n;
        }
        double mean = sumOfMeans / 5;
        assertTrue(Math.abs(mean) < 2_000, "mean estimate error over seeds 1-5: " + mean + " ns");
    }
}
