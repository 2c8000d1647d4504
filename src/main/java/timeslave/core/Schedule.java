package timeslave.core;

import java.util.random.RandomGenerator;

/**
 * When to measure next: a quick burst at start (like chrony's iburst), then min(-r, 90 s) until
 * {@link #PRIMED_MEASUREMENTS} good measurements (as IRIX did), then either timeslave's -r changed
 * each time by a random factor uniform in [1 − {@value #FUZZ_FRACTION}, 1 + {@value #FUZZ_FRACTION}]
 * (mean -r, so the packet rate is the one -r asks for), or, with a maximum interval, clockspeed's
 * long-baseline schedule: -r, 2·-r, 4·-r, … up to the maximum, falling back to shorter intervals
 * when the clock stops behaving as predicted.
 *
 * <p>The long-baseline rules, applied to each measurement through {@link #observe}:
 * <ul>
 * <li>the disagreement (|measured − predicted offset| beyond the measurement's own error bound)
 *     is below {@link #LONG_BASELINE_TOLERANCE_NANOS}/g^1.5, where g is what the next step does
 *     to the interval (2, or less at the maximum): the interval grows (a random-walk frequency
 *     moves the offset ∝ T^1.5, so the drift then stays within the tolerance);</li>
 * <li>above the tolerance: the interval halves, as often as it takes to bring that drift back
 *     within the tolerance (never below -r);</li>
 * <li>between the two: it stays;</li>
 * <li>the filter refused the sample, or the offset is beyond the step threshold (the clock is
 *     stepped, or waits for agreeing measurements to be): back to -r, so a surprise is confirmed
 *     or undone within minutes, not weeks;</li>
 * <li>the measurement failed: the next try is after -r, and the doubling resumes where it was
 *     (a lost packet says nothing about the clock).</li>
 * </ul>
 *
 * <p>With --adaptive-rate MIN:MAX (chrony's polltarget idea) the interval after priming starts at
 * -r (kept within MIN..MAX) and follows, after each accepted measurement ({@link #adapt}), the
 * interval T over which the oscillator's learnt random-walk wander w (ns/s per √s) moves the
 * offset by {@value #DRIFT_TO_SCATTER} of the fit's scatter σ (ns): a random walk's offset sd
 * after T is w·T^1.5/√3, so T = (3·{@value #DRIFT_TO_SCATTER}²·(σ/w)²)^(1/3). Noisy samples on a
 * quiet oscillator poll long (averaging needs many samples, and the clock keeps its line); a
 * precise path or a wandering oscillator poll short. Each measurement moves the interval
 * {@value #ADAPT_WEIGHT} of the way toward that target in ratio (at most a factor
 * {@value #ADAPT_STEP}); a refused sample halves it; the ±{@value #FUZZ_FRACTION} fuzz applies.
 * Until the filter has learnt the wander the interval stays where it started.
 */
public final class Schedule {

    /** Spacing of the start-up burst, ns (chrony's iburst uses 2 s). */
    static final long BURST_SPACING_NANOS = 2_000_000_000L;
    /** Burst length with no saved timetrim: enough spread to learn the frequency to a few ppm. */
    static final int COLD_BURST_MEASUREMENTS = 8;
    /** Burst length with a saved timetrim: enough to agree on a step. */
    static final int WARM_BURST_MEASUREMENTS = 4;
    /** Longest period while priming, ns (IRIX: 90 s). */
    static final long START_PERIOD_NANOS = 90_000_000_000L;
    /** Good measurements before the filter counts as primed (IRIX INIT = 11). */
    public static final int PRIMED_MEASUREMENTS = 11;
    /** Random change of -r, as a fraction either way. */
    static final double FUZZ_FRACTION = 0.1;
    /**
     * Long-baseline schedule: how far the offset may drift from the prediction between two
     * measurements beyond the measurement's own error bound, ns (1 ms: issue 2's "synchronised").
     */
    public static final double LONG_BASELINE_TOLERANCE_NANOS = 1_000_000.0;
    /** Long-baseline schedule: drift grows as (interval)^this under a random-walk frequency. */
    static final double DRIFT_EXPONENT = 1.5;

    /**
     * Adaptive schedule: the wander's drift over one interval (its sd) as a multiple of the fit's
     * scatter; smaller polls more often. 1: the drift between two measurements is as large as the
     * noise about the line (on chrony's clknetsim model path100 then settles near the 1024 s
     * maximum and 10× wander near 250 s; 0.5 spent more packets than chrony on path100 and 1.3 gave
     * up accuracy with 10× wander: --simulate --report adaptive).
     */
    static final double DRIFT_TO_SCATTER = 1.0;
    /** Adaptive schedule: the most the interval changes after one measurement, as a factor. */
    static final double ADAPT_STEP = 1.5;
    /** Adaptive schedule: the weight of one measurement's target in the interval's geometric moving average. */
    static final double ADAPT_WEIGHT = 0.15;

    /** What became of a measurement, as far as the long-baseline schedule cares. */
    public enum Outcome {
        /** Accepted; the disagreement says whether the interval may grow. */
        AGREED,
        /** Refused by the filter (spike, drift, jump), or the offset is beyond the step threshold: back to -r. */
        SURPRISE
    }

    private final long rateNanos;
    private final long maxRateNanos;
    private final int burst;
    private final RandomGenerator random;
    /** Long-baseline schedule: the interval is rateNanos·2^level, capped at maxRateNanos. */
    private int level;
    private final long adaptiveMinNanos;
    private final long adaptiveMaxNanos;
    /** Adaptive schedule: the interval now, ns. */
    private double adaptiveNanos;

    /** Timeslave's schedule. */
    public Schedule(long rateNanos, boolean warm, RandomGenerator random) {
        this(rateNanos, 0, warm, random);
    }

    /**
     * @param maxRateNanos 0 for timeslave's schedule; otherwise the longest interval of the
     *                     long-baseline schedule (intervals double from rateNanos up to it)
     */
    public Schedule(long rateNanos, long maxRateNanos, boolean warm, RandomGenerator random) {
        this(rateNanos, maxRateNanos, 0, 0, warm, random);
    }

    /**
     * @param adaptiveMinNanos 0, or with {@code adaptiveMaxNanos} the adaptive schedule's range
     *                         (not with a long baseline)
     */
    public Schedule(long rateNanos, long maxRateNanos, long adaptiveMinNanos, long adaptiveMaxNanos, boolean warm,
                    RandomGenerator random) {
        if (adaptiveMinNanos < 0 || adaptiveMaxNanos < adaptiveMinNanos || adaptiveMinNanos > 0 && maxRateNanos > 0) {
            throw new IllegalArgumentException("adaptive range " + adaptiveMinNanos + ".." + adaptiveMaxNanos
                    + " with max rate " + maxRateNanos);
        }
        this.adaptiveMinNanos = adaptiveMinNanos;
        this.adaptiveMaxNanos = adaptiveMaxNanos;
        this.adaptiveNanos = Math.min(Math.max(rateNanos, adaptiveMinNanos), adaptiveMaxNanos);
        this.rateNanos = rateNanos;
        this.maxRateNanos = maxRateNanos > 0 ? Math.max(maxRateNanos, rateNanos) : 0;
        this.burst = warm ? WARM_BURST_MEASUREMENTS : COLD_BURST_MEASUREMENTS;
        this.random = random;
    }

    /** True for clockspeed's long-baseline schedule. */
    public boolean longBaseline() {
        return maxRateNanos > 0;
    }

    /** True for the adaptive schedule (--adaptive-rate). */
    public boolean adaptive() {
        return adaptiveMaxNanos > 0;
    }

    /** The adaptive schedule's interval now, before the fuzz, ns (-r under the other schedules). */
    public long adaptiveIntervalNanos() {
        return adaptive() ? Math.round(adaptiveNanos) : rateNanos;
    }

    /**
     * Adaptive schedule: moves the interval toward the one the fit and the wander call for (see
     * the class comment) after a measurement; ignored by the other schedules and while priming.
     *
     * @param good            good measurements so far, this one included
     * @param refused         the filter refused the sample (or it is beyond the step threshold): halve
     * @param scatterNanos    the fit's scatter about its line, ns
     * @param wanderNsPerSec15 the oscillator's learnt wander, ns/s per √s
     */
    public void adapt(int good, boolean refused, double scatterNanos, double wanderNsPerSec15) {
        if (!adaptive() || !primed(good - 1)) {
            return;
        }
        double target;
        if (refused) {
            target = adaptiveNanos / 2;
        } else if (scatterNanos > 0 && wanderNsPerSec15 > 0 && Double.isFinite(scatterNanos / wanderNsPerSec15)) {
            double ratio = scatterNanos / wanderNsPerSec15;
            double want = 1e9 * Math.cbrt(3 * DRIFT_TO_SCATTER * DRIFT_TO_SCATTER * ratio * ratio);
            // A geometric moving average: one noisy fit moves the interval by a fraction of the way.
            target = adaptiveNanos * Math.pow(want / adaptiveNanos, ADAPT_WEIGHT);
            target = Math.min(Math.max(target, adaptiveNanos / ADAPT_STEP), adaptiveNanos * ADAPT_STEP);
        } else {
            return;
        }
        adaptiveNanos = Math.min(Math.max(target, adaptiveMinNanos), adaptiveMaxNanos);
    }

    /** The long-baseline schedule's longest interval, ns (0 under timeslave's schedule). */
    public long longIntervalMaxNanos() {
        return maxRateNanos;
    }

    /** True once {@code good} measurements have been had. */
    public boolean primed(int good) {
        return good >= PRIMED_MEASUREMENTS;
    }

    /**
     * Tells the long-baseline schedule what became of a good measurement (before
     * {@link #nextIntervalNanos} is asked for the wait after it); ignored by timeslave's schedule
     * and while priming.
     *
     * @param good              good measurements so far, this one included
     * @param disagreementNanos |measured − predicted offset| beyond the measurement's error bound,
     *                          ns (NaN when nothing was predicted)
     */
    public void observe(int good, Outcome outcome, double disagreementNanos) {
        if (!longBaseline() || !primed(good - 1)) {
            return;
        }
        if (outcome == Outcome.SURPRISE) {
            level = 0;
        } else if (disagreementNanos > LONG_BASELINE_TOLERANCE_NANOS) {
            // Drift ∝ T^1.5: the interval shrinks by (tolerance/disagreement)^(2/3), in halvings.
            double halvings = Math.ceil(1 / DRIFT_EXPONENT * Math.log(disagreementNanos / LONG_BASELINE_TOLERANCE_NANOS)
                    / Math.log(2));
            level = Math.max(0, level - (int) Math.max(1, Math.min(halvings, Integer.SIZE)));
        } else if (longIntervalNanos() < maxRateNanos) {
            double growth = Math.min(2.0, (double) maxRateNanos / longIntervalNanos());
            if (disagreementNanos <= LONG_BASELINE_TOLERANCE_NANOS / Math.pow(growth, DRIFT_EXPONENT)) {
                level++;
            }
        }
    }

    /** The long-baseline interval now, ns (rateNanos·2^level capped at the maximum; -r under timeslave's schedule). */
    public long longIntervalNanos() {
        if (!longBaseline()) {
            return rateNanos;
        }
        long v = rateNanos;
        for (int i = 0; i < level && v < maxRateNanos; i++) {
            v *= 2;
        }
        return Math.min(v, maxRateNanos);
    }

    /**
     * The wait after a measurement, ns.
     *
     * @param good      good measurements so far
     * @param succeeded whether this one gave a sample
     */
    public long nextIntervalNanos(int good, boolean succeeded) {
        long start = Math.min(rateNanos, START_PERIOD_NANOS);
        if (good < burst) {
            return succeeded ? Math.min(BURST_SPACING_NANOS, start) : start;
        }
        if (!primed(good)) {
            return start;
        }
        if (longBaseline()) {
            return succeeded ? longIntervalNanos() : rateNanos;
        }
        double factor = 1 + FUZZ_FRACTION * (2 * random.nextDouble() - 1);
        return Math.round((adaptive() ? adaptiveNanos : rateNanos) * factor);
    }
}
