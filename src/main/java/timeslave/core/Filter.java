package timeslave.core;

import timeslave.time.Sample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Robust averaging of samples: a delay-weighted straight-line fit of offset against monotonic
 * time over an adaptive window, with gates that refuse samples implying more drift than -D and
 * single spikes ("popcorn"), and an honest interval for the offset now.
 *
 * <p>Model (as chrony's sourcestats.c): offset(t) = a + b·(t − t̄). Samples are weighted by
 * 1/(floor² + e²/12 + (w·age^1.5)²), where e is the sample's excess delay over the smallest
 * delay held: for independent one-way jitter, the offset error of a two-way exchange
 * ((T2−T1)+(T3−T4))/2 (RFC 5905 §8) is spread evenly over ±e/2, whose variance is e²/12; the
 * last term is what a frequency random walk w has done to the sample's offset since.
 * The window is chosen among {@link #WINDOWS} by how well each window's line predicted every
 * new sample before it arrived (weighted squared error, averaged over about 2000 s, 16 to 64 samples): long
 * when jitter dominates, short when the oscillator wanders. (chrony's runs test was tried first:
 * with exponential jitter the residual signs stay random long after wander has bent the line, so
 * windows grew to the maximum; on the issue-5 benchmark it gave 82 µs RMS on path100 at 256 s
 * and 3.5 µs on the LAN, against 31 µs and 1.6 µs now.)
 *
 * <p>The frequency it reports comes, once {@link #TRACK_START_SAMPLES} are held, from a Kalman
 * filter on the same samples and weights ({@link #track}), not from the line's slope: a line
 * weighs its whole window alike and trails a wandering oscillator, the tracker forgets exactly as
 * fast as the assumed wander makes old samples stale (issue-5 benchmark, path100 at 16 s, 50
 * seeds: RMS timetrim error 21.5 ns/s against 23.5 from the line; a filter told the true model
 * and delays reaches 20.9, {@code --simulate --report oracle}). Its offset is used too, unless a
 * window's line has predicted new samples better by more than {@link #TRACK_SCORE_MARGIN}: that
 * happens when the oscillator wanders far more than the tracker assumes.
 *
 * <p>Agreement (issue 9): several samples <em>agree</em> when there is one straight line, with a
 * slope -D allows, that passes within every sample's own error bound (plus {@link #MIN_GATE_NANOS}):
 * their intervals, carried along that line to a common instant, really intersect. A bound is not
 * slack to be shared: a sample whose bound could hold anything cannot vote, so it can never make
 * others agree. A sample votes only when its bound is at most {@link #MAX_VOTING_BOUND_NANOS} and
 * at most {@link #VOTING_BOUND_RATIO} times the median bound of the group it is in; a group agrees
 * only when every member votes. (One reply whose bound was 2e7 s used to turn two replies 1 s off
 * into "three agreeing" and a step by days.) Whatever a step is by, it lies within what the
 * agreeing samples allow ({@link #agreedInterval}).
 *
 * <p>Offsets are reference − local; every stored offset is corrected when the clock is moved
 * ({@link #clockChanged}).
 */
public final class Filter implements ClockChangeListener {

    /** Why {@link #add} did what it did. */
    public enum Verdict {
        ACCEPTED, REJECTED_SPIKE, REJECTED_DRIFT,
        /** The sample's error bound is wider than {@link #MAX_VOTING_BOUND_NANOS}: it says nothing to act on. */
        REJECTED_BOUND,
        /** Several rejected samples agreed with each other: the clock really moved; the filter restarted on them. */
        JUMP
    }

    /** Most samples kept (chrony keeps 64; the longest window here is 128). */
    static final int MAX_SAMPLES = 128;
    /** Fewest samples for a straight-line fit with a residual. */
    static final int MIN_FIT_SAMPLES = 3;
    /** Candidate window lengths, samples: the fit uses whichever has predicted new samples best. */
    static final int[] WINDOWS = {6, 8, 11, 16, 22, 32, 45, 64, 90, 128};
    /** Predictions scored before the scores choose the window (until then: every sample). */
    static final int MIN_SCORED_PREDICTIONS = 8;
    /** One prediction error counts at most this many times the best window's score (start-up junk must not linger). */
    static final double WINDOW_SCORE_CAP = 10.0;
    /** The longest window scoring within this fraction of the best is used (long windows give steadier frequencies). */
    static final double WINDOW_SCORE_MARGIN = 0.02;
    /**
     * A window's running score remembers about this much time, s: the newest prediction error
     * weighs (time since the previous sample)/this, within [{@link #MIN_SCORE_GAIN},
     * {@link #WINDOW_SCORE_GAIN}] (so 16 to 64 samples), alike for 16 s and 270 s polling.
     */
    static final double SCORE_MEMORY_SEC = 2_000.0;
    /** Largest weight of one prediction error in a window's score (at least 16 samples remembered). */
    static final double WINDOW_SCORE_GAIN = 1.0 / 16;
    /** Smallest weight of one prediction error (at most 64 samples remembered). */
    static final double MIN_SCORE_GAIN = 1.0 / 64;
    /**
     * Frequency random walk assumed until the filter has learnt its oscillator's, ns/s per √s (a
     * typical PC crystal's 1e-9): a sample's offset, seen from now, is uncertain by about
     * wander·age^1.5 beyond its own error.
     */
    static final double PRIOR_WANDER_NS_PER_SEC_15 = 1.0;
    /**
     * The wanders the filter chooses among, ns/s per √s (1e-10 to 1e-7, about 2× apart): a bank of
     * trackers, one for each, runs on the same samples and the one whose predictions have been
     * the most likely is used (multiple-model estimation).
     */
    static final double[] WANDER_CANDIDATES = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};
    /** The bank's log-likelihoods forget with this weight per sample (about this many samples remembered). */
    static final double WANDER_MEMORY_SAMPLES = 512;
    /** Likelihood scored before the bank's choice replaces the prior. */
    static final int WANDER_MIN_SCORED = 32;
    /**
     * The choice is the most probable wander given a log-normal prior around {@link #PRIOR_WANDER_NS_PER_SEC_15}
     * this many decades wide: a young bank's luck does not pick an extreme.
     */
    static final double WANDER_PRIOR_DECADES = 1.0;
    /**
     * The bank scores each tracker by how well it predicted a sample from its state at least this
     * long before, s (from the state just before when samples are further apart): path noise
     * correlated over a minute or two (a queue that fills and drains) makes the next sample
     * predictable from the last ones and passes for wander at 16 s; over this horizon it has
     * decorrelated, while a frequency random walk's effect has only grown (∝ horizon^1.5).
     */
    static final double WANDER_SCORE_HORIZON_SEC = 250;
    /** Standard deviations of the learnt wander the error bound allows for. */
    static final double WANDER_BOUND_SIGMAS = 5.0;
    /** An innovation beyond this many standard deviations scores as if at it (Huber-like). */
    static final double WANDER_MAX_SIGMAS = 3.0;
    /** A sample further from the prediction than this many combined standard deviations is a spike. */
    static final double GATE_SIGMAS = 5.0;
    /**
     * The gate also allows this fraction of the median excess delay: the fit's own scatter
     * understates the error while few samples are held (the smallest delay is then well above
     * the path's true minimum), and an honest sample is off by up to half its excess delay.
     */
    static final double GATE_TYPICAL_EXCESS_FRACTION = 0.5;
    /** Smallest spike gate, ns: clock reading and timestamp granularity on a fast path. */
    static final double MIN_GATE_NANOS = 10_000.0;
    /** A fit from fewer samples than this is not trusted below {@link #YOUNG_SKEW_NS_PER_SEC} when gating. */
    static final int YOUNG_FIT_SAMPLES = 16;
    /**
     * Smallest frequency uncertainty a young fit is allowed when gating, ns/s (20 ppm): its two
     * best samples can pose as exact while the smallest delay is still far above the true one.
     */
    static final double YOUNG_SKEW_NS_PER_SEC = 20_000.0;
    /** Frequency wander allowed for between samples when gating, ns/s (a PC crystal in a warm room). */
    static final double GATE_WANDER_NS_PER_SEC = 1_000.0;
    /**
     * Widest error bound a sample may have and still count, ns (16 s): the kernel's own maximum
     * error stops there (Linux NTP_PHASE_LIMIT), and no honest reference here is that unsure (a
     * date from an RFC 868 server alone is good to about a second).
     */
    public static final double MAX_VOTING_BOUND_NANOS = 16e9;
    /**
     * A sample votes in an agreement only if its bound is at most this many times the group's
     * median bound: honest bounds on one path differ by the delay's jitter (a few times), a bound
     * that could hold anything differs by orders of magnitude.
     */
    static final double VOTING_BOUND_RATIO = 8.0;
    /** Rejected samples that must agree before the filter believes the clock moved. */
    static final int JUMP_AGREEING_SAMPLES = 3;
    /** ... among this many newest arrivals (accepted high-delay samples in between do not hide a jump). */
    static final int JUMP_WINDOW_SAMPLES = 6;
    /** Smallest weight floor, ns: below this the weights stop favouring low-delay samples. */
    static final double MIN_WEIGHT_FLOOR_NANOS = 100.0;
    /** The weight floor is this fraction of the excess delay at {@link #WEIGHT_FLOOR_QUANTILE}: what even a good sample may be off by. */
    static final double WEIGHT_FLOOR_FRACTION = 0.15;
    /** Quantile of the excess delays that sets the weight floor (the better samples, not the single best). */
    static final double WEIGHT_FLOOR_QUANTILE = 0.1;

    /** Predictions seen before the path's jitter asymmetry is applied. */
    static final int ASYMMETRY_MIN_SAMPLES = 6;
    /**
     * The asymmetry estimate is shrunk toward 0 as c³/(c² + this·se²): a coefficient within a few
     * standard errors of 0 (a symmetric path) is mostly noise and is not applied.
     */
    static final double ASYMMETRY_SHRINK_SE2 = 25.0;
    /** The asymmetry's running sums forget with this weight per sample (about 256 samples remembered). */
    static final double ASYMMETRY_MEMORY_SAMPLES = 256;
    /** Samples whose excess delay is beyond this many times the median excess are not corrected for the asymmetry (spikes). */
    static final double ASYMMETRY_MAX_EXCESS_RATIO = 5.0;
    /**
     * Only samples with at most this many times the median excess delay teach the asymmetry, though it
     * is applied up to {@link #ASYMMETRY_MAX_EXCESS_RATIO}: a path with small jitter both ways and an
     * occasional long wait one way (a loaded host, bench-real-kernel: quickest replies right, slow ones
     * off by half their wait) is not linear in the excess delay, and a slope learnt from the slow tail
     * moved the quick, heavily weighted replies it did not fit (−20 µs on the bare tap). The quicker
     * samples fit it; a truly one-sided path shows its slope among them too (one-sided row 0.62/0.65
     * of chrony against 0.60/0.64 learning from all, the other rows and the grid the same or better).
     */
    static final double ASYMMETRY_LEARN_EXCESS_RATIO = 3.0;
    /** Largest |asymmetry|: all the excess delay on one side moves the offset by half of it. */
    static final double MAX_ASYMMETRY = 0.5;

    /** Samples held before the frequency tracker starts from the line fitted through them. */
    static final int TRACK_START_SAMPLES = 16;
    /** Skew per standard deviation of the tracked frequency (the 99.95 % quantile, as {@link #studentT} for many samples). */
    static final double TRACK_SKEW_PER_SD = 3.5;

    /** The tracker's offset is used unless a line has predicted new samples better by more than this factor. */
    static final double TRACK_SCORE_MARGIN = 1.25;

    private static final double NANOS_PER_SEC = 1e9;

    private static final class Entry {
        final long monoNanos;
        double offsetNanos;
        final long delayNanos;
        final long errorNanos;
        long arrival;

        Entry(Sample s) {
            monoNanos = s.monoNanos();
            offsetNanos = s.offsetNanos();
            delayNanos = s.delayNanos();
            errorNanos = s.errorNanos();
        }
    }

    private final double maxDriftNsPerSec;
    private final List<Entry> entries = new ArrayList<>();
    private final List<Entry> pending = new ArrayList<>();
    private long arrivals;
    private final double[] score = new double[WINDOWS.length];
    private double priorSlopeNsPerSec;
    private double priorSlopeVar = Double.POSITIVE_INFINITY;
    private int scored;

    // The current fit: offset(t) = meanOffset + slope·(t − meanMono); all in ns and ns/s.
    private boolean fitted;
    private long refMono;
    private double meanTimeSec;      // weighted mean time, seconds after refMono
    private double meanOffsetNanos;
    private double slopeNsPerSec;
    private double slopeVar;         // variance of the slope, (ns/s)²
    private double meanVar;          // variance of the line at its weighted mean time, ns²
    private double stdDevNanos;
    private double skewNsPerSec;
    private long minDelayNanos;
    private double medianExcessNanos;
    private int fitSamples;
    private double weightFloorNanos;
    /** The path's jitter asymmetry c: a sample's offset is off by c·(excess delay) on average (estimated from the data). */
    private double asymmetry;
    private final AsymmetryEstimate asymmetryEstimate = new AsymmetryEstimate();

    // The frequency tracker: a Kalman filter of (offset, rate) as at trackMono.
    private boolean tracking;
    private long trackMono;
    private final PhaseRateKalman tracker = new PhaseRateKalman();
    private final PhaseRateKalman[] bank = new PhaseRateKalman[WANDER_CANDIDATES.length];
    private final double[] bankLogLikelihood = new double[WANDER_CANDIDATES.length];
    /** Each bank member's past states (newest last), for scoring its predictions over {@link #WANDER_SCORE_HORIZON_SEC}. */
    private final List<ArrayDeque<Snapshot>> bankHistory = new ArrayList<>();

    /** A bank member's state after the sample at {@code monoNanos}. */
    private record Snapshot(long monoNanos, double phaseNanos, double rateNsPerSec, double p00, double p01, double p11) {
        static Snapshot of(long monoNanos, PhaseRateKalman k) {
            return new Snapshot(monoNanos, k.phaseNanos(), k.rateNsPerSec(), k.phaseVar(), k.covar(), k.rateVar());
        }

        Snapshot shifted(long atMono, double frequencyDeltaNsPerSec, long stepNanos) {
            return new Snapshot(monoNanos, phaseNanos + frequencyDeltaNsPerSec * (atMono - monoNanos) / NANOS_PER_SEC
                    - stepNanos, rateNsPerSec - frequencyDeltaNsPerSec, p00, p01, p11);
        }
    }
    private int bankScored;
    /** The oscillator's wander as learnt (see {@link #WANDER_CANDIDATES}), ns/s per √s. */
    private double wanderNsPerSec15 = PRIOR_WANDER_NS_PER_SEC_15;
    private double trackScore = Double.NaN;
    private int trackScored;

    /**
     * @param maxDriftNsPerSec -D: samples implying more drift than this against the fit are discarded
     */
    public Filter(long maxDriftNsPerSec) {
        this.maxDriftNsPerSec = maxDriftNsPerSec;
        resetScores();
    }

    /** Offers a sample; returns what became of it. */
    public Verdict add(Sample s) {
        if (s.errorNanos() > MAX_VOTING_BOUND_NANOS) {
            return Verdict.REJECTED_BOUND;
        }
        Entry e = new Entry(s);
        e.arrival = ++arrivals;
        pending.removeIf(p -> p.arrival <= arrivals - JUMP_WINDOW_SAMPLES);
        if (fitted) {
            double predicted = lineAt(e.monoNanos);
            double excess = Math.max(0, e.delayNanos - minDelayNanos);
            double deviation = Math.abs(e.offsetNanos - asymmetryAt(excess, medianExcessNanos) * excess - predicted);
            double sinceNewestSec = Math.max(0, (e.monoNanos - newest().monoNanos) / NANOS_PER_SEC);
            double noise = excess / 2 + GATE_TYPICAL_EXCESS_FRACTION * medianExcessNanos
                    + GATE_SIGMAS * (stdDevNanos + predictionSd(e.monoNanos)) + MIN_GATE_NANOS;
            double skew = fitSamples < YOUNG_FIT_SAMPLES ? Math.max(skewNsPerSec, YOUNG_SKEW_NS_PER_SEC) : skewNsPerSec;
            double growth = (skew + GATE_WANDER_NS_PER_SEC) * sinceNewestSec;
            Verdict v = null;
            if (deviation - noise > maxDriftNsPerSec * Math.max(sinceNewestSec, 1.0)) {
                v = Verdict.REJECTED_DRIFT;
            } else if (deviation > noise + growth) {
                v = Verdict.REJECTED_SPIKE;
            }
            if (v != null) {
                pending.add(e);
                if (pending.size() >= JUMP_AGREEING_SAMPLES
                        && agree(pending.subList(pending.size() - JUMP_AGREEING_SAMPLES, pending.size()))) {
                    entries.clear();
                    entries.addAll(pending.subList(pending.size() - JUMP_AGREEING_SAMPLES, pending.size()));
                    pending.clear();
                    resetScores();
                    refit();
                    stopTracking();
                    return Verdict.JUMP;
                }
                return v;
            }
        }
        if (fitted) {
            // The line's prediction, before this sample touches it (see AsymmetryEstimate).
            double excess = Math.max(0, e.delayNanos - minDelayNanos);
            if (excess <= ASYMMETRY_LEARN_EXCESS_RATIO * medianExcessNanos) {
                double ahead = Math.max(0, (e.monoNanos - newest().monoNanos) / NANOS_PER_SEC);
                double wanderAhead = wanderNsPerSec15 * Math.pow(ahead, 1.5);
                double sd = predictionSd(e.monoNanos);
                asymmetryEstimate.add(excess, e.offsetNanos - lineAt(e.monoNanos),
                        1 / (sd * sd + wanderAhead * wanderAhead + weightFloorNanos * weightFloorNanos));
            }
        }
        scoreWindows(e);
        entries.add(e);
        if (entries.size() > MAX_SAMPLES) {
            entries.remove(0);
        }
        refit();
        track(e);
        return Verdict.ACCEPTED;
    }

    /**
     * What the discipline already knows about the slope: with the timetrim known to ±sd, the
     * offset should move at {@code meanNsPerSec} (minus the slew in progress); a fit from a few
     * samples is shrunk toward it in proportion to the variances (a Bayesian prior), so a
     * restored timetrim is not thrown away for the slope of three samples 2 s apart.
     */
    public void frequencyPrior(double meanNsPerSec, double sdNsPerSec) {
        priorSlopeNsPerSec = meanNsPerSec;
        priorSlopeVar = sdNsPerSec * sdNsPerSec;
    }

    /** The path's jitter asymmetry learnt so far: offsets are corrected by −this × excess delay. */
    public double asymmetry() {
        return asymmetry;
    }

    /** Number of samples held. */
    public int size() {
        return entries.size();
    }

    /** True when the newest {@code n} samples agree with each other (see the constructor). */
    public boolean newestAgree(int n) {
        return entries.size() >= n && agree(entries.subList(entries.size() - n, entries.size()));
    }

    /** The median offset of the newest {@code n} samples, ns (NaN if there are fewer). */
    public double newestMedianOffset(int n) {
        if (entries.size() < n) {
            return Double.NaN;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = entries.get(entries.size() - 1 - i).offsetNanos;
        }
        Arrays.sort(v);
        return v[n / 2];
    }

    /** Forgets all but the newest {@code n} samples (before a step, so only agreeing samples set its size). */
    public void keepNewest(int n) {
        while (entries.size() > n) {
            entries.remove(0);
        }
        resetScores();
        refit();
        stopTracking();
    }

    private void stopTracking() {
        tracking = false;
        trackScore = Double.NaN;
        trackScored = 0;
    }

    /** The estimate at {@code monoNanos}, or null while there are too few samples to fit a line. */
    public Estimate estimate(long monoNanos) {
        if (!fitted) {
            return null;
        }
        if (tracking) {
            double sinceSec = Math.max(0, (monoNanos - trackMono) / NANOS_PER_SEC);
            double sd = Math.sqrt(tracker.rateVar() + wanderVar() * sinceSec);
            double off = lineAt(monoNanos);
            double offSd = predictionSd(monoNanos);
            if (trackerPredictsBest()) {
                off = tracker.phaseNanos() + tracker.rateNsPerSec() * sinceSec;
                offSd = Math.sqrt(tracker.phaseVar() + 2 * sinceSec * tracker.covar()
                        + sinceSec * sinceSec * tracker.rateVar() + wanderVar() * sinceSec * sinceSec * sinceSec / 3);
            }
            return new Estimate(monoNanos, off, offSd, tracker.rateNsPerSec(), sd,
                    TRACK_SKEW_PER_SD * sd, stdDevNanos, fitSamples, pathSdNanos());
        }
        double freqSd = Math.sqrt(slopeVar);
        return new Estimate(monoNanos, lineAt(monoNanos), predictionSd(monoNanos), slopeNsPerSec, freqSd,
                skewNsPerSec, stdDevNanos, fitSamples, pathSdNanos());
    }

    /**
     * What the samples cannot show, ns: a two-way exchange measures the offset only up to the
     * path's asymmetry, which may be anything within ± half the round trip (RFC 5905 §8); with
     * the smallest round trip held, uniform on that interval, the standard deviation is
     * (smallest delay)/√12. On loopback against chronyd the fit's own sd alone covered the truth
     * in 0 of 41 estimates (issue 13): the rest is the receive latency of user-space timestamps.
     */
    private double pathSdNanos() {
        return minDelayNanos / Math.sqrt(12);
    }

    /**
     * The honest interval for the offset at {@code monoNanos}: each sample says the offset lay
     * within offset ± errorNanos when it was taken; carried forward along the fitted frequency
     * with an allowance of {@code driftAllowanceNsPerSec} (+ the fit's skew) per second, the
     * intervals are intersected. Returns {lo, hi} in ns, or null with no samples.
     */
    public double[] interval(long monoNanos, double driftAllowanceNsPerSec) {
        if (entries.isEmpty()) {
            return null;
        }
        double slope = fitted ? slopeNsPerSec : 0;
        double growthRate = driftAllowanceNsPerSec + (fitted ? skewNsPerSec : maxDriftNsPerSec);
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        double bestLo = 0;
        double bestHi = 0;
        double bestHalf = Double.POSITIVE_INFINITY;
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            double ageSec = Math.abs(monoNanos - e.monoNanos) / NANOS_PER_SEC;
            // A frequency random walk moves the offset by about w·age^1.5 (sd w·age^1.5/√3), more
            // than any straight-line allowance for old samples.
            double wanderGrowth = boundWanderNsPerSec15() * Math.pow(ageSec, 1.5);
            double half = e.errorNanos + growthRate * ageSec + wanderGrowth;
            if (half > hi - lo) {
                break;
            }
            double centre = e.offsetNanos + slope * (monoNanos - e.monoNanos) / NANOS_PER_SEC;
            lo = Math.max(lo, centre - half);
            hi = Math.min(hi, centre + half);
            if (half < bestHalf) {
                bestHalf = half;
                bestLo = centre - half;
                bestHi = centre + half;
            }
        }
        if (lo > hi) {
            return new double[] {bestLo, bestHi};
        }
        return new double[] {lo, hi};
    }

    @Override
    public void clockChanged(long monoNanos, double frequencyDeltaNsPerSec, long stepNanos) {
        for (Entry e : entries) {
            e.offsetNanos += frequencyDeltaNsPerSec * (monoNanos - e.monoNanos) / NANOS_PER_SEC - stepNanos;
        }
        for (Entry e : pending) {
            e.offsetNanos += frequencyDeltaNsPerSec * (monoNanos - e.monoNanos) / NANOS_PER_SEC - stepNanos;
        }
        if (fitted) {
            double tc = (monoNanos - refMono) / NANOS_PER_SEC;
            meanOffsetNanos += frequencyDeltaNsPerSec * (tc - meanTimeSec) - stepNanos;
            slopeNsPerSec -= frequencyDeltaNsPerSec;
        }
        if (priorSlopeVar < Double.POSITIVE_INFINITY) {
            priorSlopeNsPerSec -= frequencyDeltaNsPerSec;
        }
        if (tracking) {
            tracker.shift(frequencyDeltaNsPerSec * (monoNanos - trackMono) / NANOS_PER_SEC - stepNanos,
                    -frequencyDeltaNsPerSec);
            for (PhaseRateKalman b : bank) {
                b.shift(frequencyDeltaNsPerSec * (monoNanos - trackMono) / NANOS_PER_SEC - stepNanos,
                        -frequencyDeltaNsPerSec);
            }
            for (ArrayDeque<Snapshot> h : bankHistory) {
                ArrayDeque<Snapshot> moved = new ArrayDeque<>();
                for (Snapshot x : h) {
                    moved.add(x.shifted(monoNanos, frequencyDeltaNsPerSec, stepNanos));
                }
                h.clear();
                h.addAll(moved);
            }
        }
    }

    /**
     * Whether the tracker has predicted new samples at least as well as the best window's line
     * (same score, {@link #scoreWindows}): it assumes the wander of the learnt wander ({@link #WANDER_CANDIDATES}),
     * and when the oscillator wanders far more the short lines follow the offset better.
     */
    private boolean trackerPredictsBest() {
        if (!tracking || Double.isNaN(trackScore) || trackScored < MIN_SCORED_PREDICTIONS) {
            return false;
        }
        for (double sc : score) {
            if (!Double.isNaN(sc) && sc * TRACK_SCORE_MARGIN < trackScore) {
                return false;
            }
        }
        return true;
    }

    private double wanderVar() {
        return wanderNsPerSec15 * wanderNsPerSec15;
    }

    /**
     * Follows the frequency with a Kalman filter whose state is (offset, rate): between samples
     * (dt s) the offset moves by rate·dt and the rate takes a random walk of spectral density
     * q = the learnt wander ({@link #WANDER_CANDIDATES})², so Q = q·[[dt³/3, dt²/2], [dt²/2, dt]]; each sample
     * measures the offset with the variance its weight assumes (floor² + e²/12). Unlike a line
     * over a window, it forgets the past exactly as fast as the wander makes it stale. It starts
     * from the line once {@link #TRACK_START_SAMPLES} are held (the line's robust variances make
     * an honest start).
     */
    private void track(Entry e) {
        if (!tracking) {
            if (!fitted || entries.size() < TRACK_START_SAMPLES) {
                return;
            }
            tracking = true;
            trackMono = e.monoNanos;
            double dt = (e.monoNanos - refMono) / NANOS_PER_SEC - meanTimeSec;
            tracker.start(lineAt(e.monoNanos), slopeNsPerSec, meanVar + dt * dt * slopeVar, dt * slopeVar, slopeVar);
            for (int k = 0; k < bank.length; k++) {
                bank[k] = new PhaseRateKalman();
                bank[k].start(lineAt(e.monoNanos), slopeNsPerSec, meanVar + dt * dt * slopeVar, dt * slopeVar,
                        slopeVar);
            }
            Arrays.fill(bankLogLikelihood, 0);
            bankScored = 0;
            bankHistory.clear();
            for (PhaseRateKalman b : bank) {
                ArrayDeque<Snapshot> h = new ArrayDeque<>();
                h.add(Snapshot.of(e.monoNanos, b));
                bankHistory.add(h);
            }
            return;
        }
        double dt = (e.monoNanos - trackMono) / NANOS_PER_SEC;
        double excess = Math.max(0, e.delayNanos - minDelayNanos);
        double c = asymmetryAt(excess, medianExcessNanos);
        double y = e.offsetNanos - c * excess;
        double r = weightFloorNanos * weightFloorNanos + excessVariance(excess, c);
        PhaseRateKalman chosen = learnWander(e.monoNanos, dt, y, r);
        if (dt > 0) {
            tracker.predict(dt, wanderVar());
            trackMono = e.monoNanos;
        }
        tracker.update(y, r);
        if (chosen != null) {
            // The tracker is the bank's most likely member: after a change of frequency the one
            // with more wander has already followed it.
            tracker.start(chosen.phaseNanos(), chosen.rateNsPerSec(), chosen.phaseVar(), chosen.covar(),
                    chosen.rateVar());
        }
    }

    /**
     * Runs the bank of trackers (one per {@link #WANDER_CANDIDATES}) on the sample and scores each
     * by the log-likelihood of its prediction of the sample from its state
     * {@link #WANDER_SCORE_HORIZON_SEC} before (innovation ν with variance S: −½·ln S − ½·ν²/S);
     * the wander of the best, once {@link #WANDER_MIN_SCORED} are scored, is the filter's. Too
     * little wander predicts the offset badly after long gaps; too much trusts single noisy samples.
     */
    private PhaseRateKalman learnWander(long monoNanos, double dt, double y, double r) {
        double keep = 1 - 1 / WANDER_MEMORY_SAMPLES;
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < bank.length; k++) {
            PhaseRateKalman b = bank[k];
            double q = WANDER_CANDIDATES[k] * WANDER_CANDIDATES[k];
            b.predict(dt, q);
            ArrayDeque<Snapshot> h = bankHistory.get(k);
            // The newest state at least the horizon old (the oldest held while none is).
            while (h.size() > 1 && (monoNanos - secondOldest(h).monoNanos()) / NANOS_PER_SEC >= WANDER_SCORE_HORIZON_SEC) {
                h.removeFirst();
            }
            Snapshot from = h.peekFirst();
            PhaseRateKalman ahead = new PhaseRateKalman();
            ahead.start(from.phaseNanos(), from.rateNsPerSec(), from.p00(), from.p01(), from.p11());
            ahead.predict((monoNanos - from.monoNanos()) / NANOS_PER_SEC, q);
            double s = ahead.phaseVar() + r;
            double nu = y - ahead.phaseNanos();
            // Robust: one innovation counts at most WANDER_MAX_SIGMAS² (a step of frequency or one
            // bad sample must not decide the wander for hundreds of samples).
            double z2 = Math.min(nu * nu / s, WANDER_MAX_SIGMAS * WANDER_MAX_SIGMAS);
            bankLogLikelihood[k] = bankLogLikelihood[k] * keep - 0.5 * Math.log(s) - 0.5 * z2;
            b.update(y, r);
            h.addLast(Snapshot.of(monoNanos, b));
            double decades = Math.log10(WANDER_CANDIDATES[k] / PRIOR_WANDER_NS_PER_SEC_15);
            double score = bankLogLikelihood[k] - decades * decades / (2 * WANDER_PRIOR_DECADES * WANDER_PRIOR_DECADES);
            if (score > bestScore) {
                best = k;
                bestScore = score;
            }
        }
        bankScored++;
        if (bankScored < WANDER_MIN_SCORED) {
            return null;
        }
        wanderNsPerSec15 = WANDER_CANDIDATES[best];
        return bank[best];
    }

    private static Snapshot secondOldest(ArrayDeque<Snapshot> h) {
        var it = h.iterator();
        it.next();
        return it.next();
    }

    /**
     * The error bound's straight-line drift allowance beyond the frequency's skew, ns/s: none once
     * the wander is learnt ({@link #boundWanderNsPerSec15} then covers what the oscillator can do),
     * the fixed {@link ErrorBound#MAX_DRIFT_ALLOWANCE_NS_PER_SEC} before.
     */
    public double driftAllowanceNsPerSec() {
        return wanderLearnt() ? 0 : ErrorBound.MAX_DRIFT_ALLOWANCE_NS_PER_SEC;
    }

    /**
     * The error bound's allowance for the oscillator's wander, ns/s per √s: the offset may move by
     * this × age^1.5 beyond the frequency's skew ({@link #WANDER_BOUND_SIGMAS} × the learnt wander;
     * a random walk's sd is w·age^1.5/√3); 0 before the wander is learnt.
     */
    public double boundWanderNsPerSec15() {
        return wanderLearnt() ? WANDER_BOUND_SIGMAS * wanderNsPerSec15 : 0;
    }

    private boolean wanderLearnt() {
        return tracking && bankScored >= WANDER_MIN_SCORED;
    }

    /** The oscillator's frequency wander the filter has learnt (or assumes), ns/s per √s. */
    public double wanderNsPerSec15() {
        return wanderNsPerSec15;
    }

    private Entry newest() {
        return entries.get(entries.size() - 1);
    }

    private double lineAt(long monoNanos) {
        return meanOffsetNanos + slopeNsPerSec * ((monoNanos - refMono) / NANOS_PER_SEC - meanTimeSec);
    }

    private double predictionSd(long monoNanos) {
        double dt = (monoNanos - refMono) / NANOS_PER_SEC - meanTimeSec;
        return Math.sqrt(meanVar + dt * dt * slopeVar);
    }

    /**
     * Whether the samples agree (see the class comment): every one votes, and some line with a
     * slope within -D passes within each one's bound.
     */
    private boolean agree(List<Entry> list) {
        return slopes(list) != null;
    }

    /**
     * The slopes, ns/s, of the lines within -D that pass within every sample's bound (plus half
     * of {@link #MIN_GATE_NANOS}), as {lo, hi}; null when there is none or a sample cannot vote.
     * For a given slope b the samples' intervals, carried to one instant, are intervals on a line,
     * and those meet when every pair meets (Helly, in one dimension); pair (i, j), tⱼ > tᵢ, meets
     * when (oⱼ − oᵢ − eᵢ − eⱼ)/(tⱼ − tᵢ) ≤ b ≤ (oⱼ − oᵢ + eᵢ + eⱼ)/(tⱼ − tᵢ), so the slopes that
     * work are one interval.
     */
    private double[] slopes(List<Entry> list) {
        if (list.isEmpty()) {
            return null;
        }
        double[] bounds = new double[list.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = list.get(i).errorNanos;
        }
        Arrays.sort(bounds);
        double median = bounds[bounds.length / 2];
        for (Entry e : list) {
            if (e.errorNanos > MAX_VOTING_BOUND_NANOS || e.errorNanos > VOTING_BOUND_RATIO * median) {
                return null;
            }
        }
        double lo = -maxDriftNsPerSec;
        double hi = maxDriftNsPerSec;
        for (int i = 0; i < list.size(); i++) {
            Entry a = list.get(i);
            for (int j = i + 1; j < list.size(); j++) {
                Entry b = list.get(j);
                Entry first = a.monoNanos <= b.monoNanos ? a : b;
                Entry second = first == a ? b : a;
                double tolerance = a.errorNanos + b.errorNanos + MIN_GATE_NANOS;
                double rise = second.offsetNanos - first.offsetNanos;
                double spanSec = (second.monoNanos - first.monoNanos) / NANOS_PER_SEC;
                if (spanSec <= 0) {
                    if (Math.abs(rise) > tolerance) {
                        return null;
                    }
                    continue;
                }
                lo = Math.max(lo, (rise - tolerance) / spanSec);
                hi = Math.min(hi, (rise + tolerance) / spanSec);
            }
        }
        return lo <= hi ? new double[] {lo, hi} : null;
    }

    /**
     * What the newest {@code n} samples allow for the offset at {@code monoNanos}, as {lo, hi} in
     * ns; null when they do not agree. The line's slope is {@code slopeHintNsPerSec} (the filter's
     * frequency) if the samples allow it, else the nearest slope they allow; along it each
     * sample's interval (bound plus half of {@link #MIN_GATE_NANOS}) is carried to the instant and
     * the intervals are intersected.
     */
    public double[] agreedInterval(int n, long monoNanos, double slopeHintNsPerSec) {
        if (entries.size() < n) {
            return null;
        }
        List<Entry> list = entries.subList(entries.size() - n, entries.size());
        double[] slopes = slopes(list);
        if (slopes == null) {
            return null;
        }
        double slope = Double.isFinite(slopeHintNsPerSec)
                ? Math.max(slopes[0], Math.min(slopes[1], slopeHintNsPerSec)) : (slopes[0] + slopes[1]) / 2;
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        for (Entry e : list) {
            double centre = e.offsetNanos + slope * (monoNanos - e.monoNanos) / NANOS_PER_SEC;
            double half = e.errorNanos + MIN_GATE_NANOS / 2;
            lo = Math.max(lo, centre - half);
            hi = Math.min(hi, centre + half);
        }
        if (lo > hi) {
            double mid = (lo + hi) / 2;
            return new double[] {mid, mid};
        }
        return new double[] {lo, hi};
    }

    /**
     * The fewest newest samples, at least {@code minSamples}, that span {@code minSpanNanos} of
     * monotonic time, if they agree; 0 when there are not enough or they do not agree (the panic
     * limit's rule: a correction that large needs agreement over time, not one burst).
     */
    public int newestAgreeOver(int minSamples, long minSpanNanos) {
        int n = entries.size();
        if (n < minSamples) {
            return 0;
        }
        long newestMono = newest().monoNanos;
        int k = minSamples;
        while (k <= n && newestMono - entries.get(n - k).monoNanos < minSpanNanos) {
            k++;
        }
        if (k > n) {
            return 0;
        }
        return agree(entries.subList(n - k, n)) ? k : 0;
    }

    /** A weighted straight line through some samples, times in seconds after {@link #refMono}. */
    private record Line(double meanTimeSec, double meanOffsetNanos, double slopeNsPerSec, double sumWeights,
                        double sxxSec2, double slopeVar, double meanVar, double stdDevNanos, int samples) {

        double at(double tSec) {
            return meanOffsetNanos + slopeNsPerSec * (tSec - meanTimeSec);
        }
    }

    /** The samples as arrays for fitting: times (s after the newest), offsets, weights, excess delays. */
    private final class Prepared {
        final double[] t;
        final double[] y;
        final double[] w;
        final long minDelay;
        final double floor;
        final double medianExcess;

        Prepared() {
            int n = entries.size();
            long ref = newest().monoNanos;
            t = new double[n];
            y = new double[n];
            w = new double[n];
            long md = Long.MAX_VALUE;
            for (Entry e : entries) {
                md = Math.min(md, e.delayNanos);
            }
            minDelay = md;
            double[] excess = new double[n];
            for (int i = 0; i < n; i++) {
                Entry e = entries.get(i);
                t[i] = (e.monoNanos - ref) / NANOS_PER_SEC;
                excess[i] = e.delayNanos - md;
                y[i] = e.offsetNanos;
            }
            double[] sorted = excess.clone();
            Arrays.sort(sorted);
            // Never the smallest excess itself: that is 0 by definition, and with few samples the
            // quantile would land on it and let one sample outweigh all the others.
            int q = Math.min(n - 1, Math.max(1, (int) (WEIGHT_FLOOR_QUANTILE * (n - 1))));
            floor = Math.max(MIN_WEIGHT_FLOOR_NANOS, WEIGHT_FLOOR_FRACTION * sorted[q]);
            medianExcess = sorted[n / 2];
            for (int i = 0; i < n; i++) {
                w[i] = weight(excess[i], -t[i]);
                y[i] -= asymmetryAt(excess[i], medianExcess) * excess[i];
            }
        }

        /**
         * 1/variance of a sample's offset as seen now: its own exchange error (e²/12), the floor,
         * and what a frequency random walk of the learnt wander ({@link #WANDER_CANDIDATES}) has done to the
         * offset since, which a straight line cannot follow (∝ age^1.5).
         */
        double weight(double excessNanos, double ageSec) {
            double wander = wanderNsPerSec15 * Math.pow(Math.max(ageSec, 0), 1.5);
            return 1.0 / (floor * floor + excessVariance(excessNanos, asymmetryAt(excessNanos, medianExcess))
                    + wander * wander);
        }

        /** The line through the newest {@code count} samples. */
        Line fit(int count) {
            int to = t.length;
            return fitRange(t, y, w, to - count, to);
        }
    }

    /**
     * Scores every candidate window by how well its line, fitted before {@code e} arrived,
     * predicted {@code e}: a running mean of weight·error², so the window that best predicts one
     * interval ahead (the error the clock lives with) wins, whatever mix of jitter and wander
     * the path and oscillator have.
     */
    private void scoreWindows(Entry e) {
        int n = entries.size();
        if (n < MIN_FIT_SAMPLES) {
            return;
        }
        Prepared p = new Prepared();
        if (n >= WINDOWS[0]) {
            scored++;
        }
        double tNew = (e.monoNanos - newest().monoNanos) / NANOS_PER_SEC;
        double gain = Math.max(MIN_SCORE_GAIN, Math.min(WINDOW_SCORE_GAIN, tNew / SCORE_MEMORY_SEC));
        double excessNew = Math.max(0, e.delayNanos - p.minDelay);
        double wNew = p.weight(excessNew, 0);
        double offsetNew = e.offsetNanos - asymmetryAt(excessNew, p.medianExcess) * excessNew;
        double previous = Double.NaN;
        double cap = Double.POSITIVE_INFINITY;
        for (double sc : score) {
            if (!Double.isNaN(sc)) {
                cap = Math.min(cap, WINDOW_SCORE_CAP * sc);
            }
        }
        for (int k = 0; k < WINDOWS.length && WINDOWS[k] <= n; k++) {
            Line line = p.fit(WINDOWS[k]);
            double d = offsetNew - line.at(tNew);
            double err = Math.min(wNew * d * d, cap);
            if (Double.isNaN(score[k])) {
                score[k] = Double.isNaN(previous) ? err : previous;
            }
            score[k] += gain * (err - score[k]);
            previous = score[k];
        }
        if (tracking) {
            double sinceSec = (e.monoNanos - trackMono) / NANOS_PER_SEC;
            double d = offsetNew - (tracker.phaseNanos() + tracker.rateNsPerSec() * sinceSec);
            double err = Math.min(wNew * d * d, cap);
            if (Double.isNaN(trackScore)) {
                trackScore = Double.isNaN(previous) ? err : previous;
            }
            trackScore += gain * (err - trackScore);
            trackScored++;
        }
    }

    /** Refits the line over the best-scoring window (all samples while none is scored). */
    private void refit() {
        int n = entries.size();
        if (n < MIN_FIT_SAMPLES) {
            fitted = false;
            return;
        }
        refMono = newest().monoNanos;
        asymmetry = combineAsymmetry(asymmetryEstimate.raw(), jointAsymmetry());
        Prepared p = new Prepared();
        int count = n;
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < WINDOWS.length && WINDOWS[k] <= n; k++) {
            if (!Double.isNaN(score[k]) && score[k] < best) {
                best = score[k];
            }
        }
        if (best < Double.POSITIVE_INFINITY && scored >= MIN_SCORED_PREDICTIONS) {
            for (int k = 0; k < WINDOWS.length && WINDOWS[k] <= n; k++) {
                if (!Double.isNaN(score[k]) && score[k] <= best * (1 + WINDOW_SCORE_MARGIN)) {
                    count = WINDOWS[k];
                }
            }
        }
        Line line = p.fit(Math.max(Math.min(count, n), MIN_FIT_SAMPLES));
        meanTimeSec = line.meanTimeSec();
        meanOffsetNanos = line.meanOffsetNanos();
        slopeNsPerSec = line.slopeNsPerSec();
        slopeVar = line.slopeVar();
        meanVar = line.meanVar();
        if (priorSlopeVar > 0 && priorSlopeVar < Double.POSITIVE_INFINITY) {
            double precision = 1 / slopeVar + 1 / priorSlopeVar;
            slopeNsPerSec = (slopeNsPerSec / slopeVar + priorSlopeNsPerSec / priorSlopeVar) / precision;
            slopeVar = 1 / precision;
        }
        stdDevNanos = line.stdDevNanos();
        fitSamples = line.samples();
        skewNsPerSec = Math.sqrt(slopeVar) * studentT(fitSamples - 2);
        minDelayNanos = p.minDelay;
        medianExcessNanos = p.medianExcess;
        weightFloorNanos = p.floor;
        fitted = true;
    }

    /**
     * Variance of a sample's offset error from its excess delay e, the asymmetry c known: the error
     * lies within ±e/2 around a mean of c·e; a distribution on that interval has at most
     * (e/2 − c·e)(e/2 + c·e) of variance (Bhatia–Davis), and a third of it is the uniform spread's
     * e²/12 when c = 0.
     */
    /**
     * The asymmetry applied to a sample of this excess delay: the learnt one within the delays it
     * was learnt from (up to {@link #ASYMMETRY_MAX_EXCESS_RATIO} × the median excess), none beyond
     * (a spike may be on either side, so it keeps the symmetric ±e/2 and its tiny weight).
     */
    private double asymmetryAt(double excessNanos, double medianExcess) {
        return excessNanos <= ASYMMETRY_MAX_EXCESS_RATIO * medianExcess ? asymmetry : 0;
    }

    /**
     * The asymmetry from the samples held, before any line is trusted: offsets regressed on time
     * and excess delay together (offset = a + b·t + c·e, as chrony's sourcestats), every sample
     * weighted alike but for what the oscillator's wander has done since it was taken (not by its
     * delay: on a one-sided path the high-delay samples are the informative ones). Quick at start
     * (the burst's samples 2 s apart already show it); {c, variance of c}, or null.
     */
    private double[] jointAsymmetry() {
        int n = entries.size();
        if (n < ASYMMETRY_MIN_SAMPLES) {
            return null;
        }
        long md = Long.MAX_VALUE;
        for (Entry e : entries) {
            md = Math.min(md, e.delayNanos);
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = entries.get(i).delayNanos - md;
        }
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double medianExcess = sorted[n / 2];
        double typical = MIN_WEIGHT_FLOOR_NANOS * MIN_WEIGHT_FLOOR_NANOS + medianExcess * medianExcess / 12.0;
        long ref = newest().monoNanos;
        double[] t = new double[n];
        double[] w = new double[n];
        double sw = 0;
        double sw2 = 0;
        double st = 0;
        double se = 0;
        double sy = 0;
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            t[i] = (e.monoNanos - ref) / NANOS_PER_SEC;
            double wander = wanderNsPerSec15 * Math.pow(-t[i], 1.5);
            w[i] = x[i] <= ASYMMETRY_LEARN_EXCESS_RATIO * medianExcess ? 1 / (typical + wander * wander) : 0;
            sw += w[i];
            sw2 += w[i] * w[i];
            st += w[i] * t[i];
            se += w[i] * x[i];
            sy += w[i] * e.offsetNanos;
        }
        double mt = st / sw;
        double me = se / sw;
        double my = sy / sw;
        double stt = 0;
        double ste = 0;
        double see = 0;
        double sty = 0;
        double sey = 0;
        for (int i = 0; i < n; i++) {
            double dt = t[i] - mt;
            double de = x[i] - me;
            double dy = entries.get(i).offsetNanos - my;
            stt += w[i] * dt * dt;
            ste += w[i] * dt * de;
            see += w[i] * de * de;
            sty += w[i] * dt * dy;
            sey += w[i] * de * dy;
        }
        double det = stt * see - ste * ste;
        if (!(det > 0)) {
            return null;
        }
        double b = (see * sty - ste * sey) / det;
        double c = (stt * sey - ste * sty) / det;
        double ssr = 0;
        for (int i = 0; i < n; i++) {
            double r = entries.get(i).offsetNanos - my - b * (t[i] - mt) - c * (x[i] - me);
            ssr += w[i] * r * r;
        }
        // The weights are relative (1/(typical + wander²)); their scale comes from the residuals.
        double effective = sw * sw / sw2;
        return new double[] {c, ssr / Math.max(1, effective - 3) * stt / det};
    }

    /**
     * The two estimates of the asymmetry (from the samples held, from the innovations over a longer
     * memory) weighed by their variances, then shrunk toward 0 as c³/(c² + k·var): a coefficient
     * within a few standard errors of 0 (a symmetric path) is mostly noise and is not applied.
     */
    private static double combineAsymmetry(double[] a, double[] b) {
        double precision = 0;
        double sum = 0;
        for (double[] v : new double[][] {a, b}) {
            if (v != null && v[1] > 0 && Double.isFinite(v[0]) && Double.isFinite(v[1])) {
                precision += 1 / v[1];
                sum += v[0] / v[1];
            }
        }
        if (precision <= 0) {
            return 0;
        }
        double c = sum / precision;
        double shrunk = c * c * c / (c * c + ASYMMETRY_SHRINK_SE2 / precision);
        return Math.max(-MAX_ASYMMETRY, Math.min(MAX_ASYMMETRY, shrunk));
    }

    static double excessVariance(double excessNanos, double c) {
        return excessNanos * excessNanos * (0.25 - c * c) / 3.0;
    }

    /**
     * The path's jitter asymmetry, learnt from the tracker's innovations. A two-way exchange's
     * offset error is (up − down)/2 of the one-way jitters and its excess delay e is about their
     * sum: on a symmetric path the error has mean 0 whatever e is, on a path whose jitter is mostly
     * one way it is about ∓e/2. The innovation (the sample's raw offset minus the line's
     * prediction, which that sample has not touched) is regressed on e over about
     * {@link #ASYMMETRY_MEMORY_SAMPLES} samples (chrony's sourcestats regresses offsets on delay for
     * the same reason): the slope c, |c| ≤ 1/2, shrunk toward 0 by its standard error so that a
     * symmetric path keeps c ≈ 0. Samples with a spike's delay are left out by the caller.
     */
    static final class AsymmetryEstimate {
        private double n;
        private double n2;
        private double se;
        private double sy;
        private double see;
        private double sey;
        private double syy;
        private int count;

        /**
         * @param weight 1/variance of the prediction the innovation is measured from: a prediction
         *               far ahead (long polls, a wandering oscillator) says little about the delay's part
         */
        void add(double excessNanos, double innovationNanos, double weight) {
            if (!(weight > 0) || !Double.isFinite(weight)) {
                return;
            }
            double keep = 1 - 1 / ASYMMETRY_MEMORY_SAMPLES;
            n = n * keep + weight;
            n2 = n2 * keep * keep + weight * weight;
            se = se * keep + weight * excessNanos;
            sy = sy * keep + weight * innovationNanos;
            see = see * keep + weight * excessNanos * excessNanos;
            sey = sey * keep + weight * excessNanos * innovationNanos;
            syy = syy * keep + weight * innovationNanos * innovationNanos;
            count++;
        }

        /** {c, variance of c}, or null until {@link #ASYMMETRY_MIN_SAMPLES} innovations are seen. */
        double[] raw() {
            if (count < ASYMMETRY_MIN_SAMPLES) {
                return null;
            }
            double me = se / n;
            double my = sy / n;
            double vee = see / n - me * me;
            if (!(vee > 0)) {
                return null;
            }
            double c = (sey / n - me * my) / vee;
            double resid = Math.max(0, syy / n - my * my - c * c * vee);
            double effective = n * n / n2;
            return new double[] {c, resid / (vee * Math.max(1, effective - 2))};
        }
    }


    private void resetScores() {
        Arrays.fill(score, Double.NaN);
        scored = 0;
    }

    private static Line fitRange(double[] t, double[] y, double[] w, int from, int to) {
        double sw = 0;
        double swt = 0;
        double swy = 0;
        for (int i = from; i < to; i++) {
            sw += w[i];
            swt += w[i] * t[i];
            swy += w[i] * y[i];
        }
        double tm = swt / sw;
        double ym = swy / sw;
        double sxx = 0;
        double sxy = 0;
        for (int i = from; i < to; i++) {
            double dt = t[i] - tm;
            sxx += w[i] * dt * dt;
            sxy += w[i] * dt * (y[i] - ym);
        }
        if (sxx <= 0) {
            sxx = Double.MIN_NORMAL;
        }
        double slope = sxy / sxx;
        double ssr = 0;
        double robustSlope = 0;
        double robustMean = 0;
        for (int i = from; i < to; i++) {
            double r = y[i] - ym - slope * (t[i] - tm);
            ssr += w[i] * r * r;
            double dt = t[i] - tm;
            robustSlope += w[i] * w[i] * dt * dt * r * r;
            robustMean += w[i] * w[i] * r * r;
        }
        int count = to - from;
        double s2 = Math.max(ssr / Math.max(1, count - 2), 1e-12);
        // The larger of the model variance and the sandwich (heteroscedasticity-robust) one: the
        // weights trust the lowest-delay samples more than their true errors may deserve.
        double dof = Math.max(1, count - 2);
        // The weights are absolute (1/ns²), so 1/sxx and 1/sw are floors even when a few samples
        // happen to lie on a line.
        double slopeVar = Math.max(Math.max(1, s2) / sxx, robustSlope / (sxx * sxx) * count / dof);
        double meanVar = Math.max(Math.max(1, s2) / sw, robustMean / (sw * sw) * count / Math.max(1, count - 1));
        return new Line(tm, ym, slope, sw, sxx, slopeVar, meanVar, Math.sqrt(ssr / sw), count);
    }

    /** Student's t at the 99.95 % quantile for {@code dof} degrees of freedom (chrony's skew coefficient). */
    static double studentT(int dof) {
        final double[] table = {636.6, 636.6, 31.6, 12.92, 8.61, 6.87, 5.96, 5.41, 5.04, 4.78, 4.59,
            4.44, 4.32, 4.22, 4.14, 4.07, 4.01, 3.97, 3.92, 3.88, 3.85};
        if (dof < table.length) {
            return table[Math.max(dof, 1)];
        }
        if (dof <= 30) {
            return 3.65 + (3.85 - 3.65) * (30 - dof) / 10.0;
        }
        if (dof <= 40) {
            return 3.55 + (3.65 - 3.55) * (40 - dof) / 10.0;
        }
        return 3.5;
    }
}
