package timeslave.core;

import java.util.random.RandomGenerator;

/**
 * When to measure next: a quick burst at start (like chrony's iburst), then min(-r, 90 s) until
 * {@link #PRIMED_MEASUREMENTS} good measurements (as IRIX did), then -r changed each time by a
 * random factor uniform in [1 − {@value #FUZZ_FRACTION}, 1 + {@value #FUZZ_FRACTION}] (mean -r,
 * so the packet rate is the one -r asks for).
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

    private final long rateNanos;
    private final int burst;
    private final RandomGenerator random;

    public Schedule(long rateNanos, boolean warm, RandomGenerator random) {
        this.rateNanos = rateNanos;
        this.burst = warm ? WARM_BURST_MEASUREMENTS : COLD_BURST_MEASUREMENTS;
        this.random = random;
    }

    /** True once {@code good} measurements have been had. */
    public boolean primed(int good) {
        return good >= PRIMED_MEASUREMENTS;
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
        double factor = 1 + FUZZ_FRACTION * (2 * random.nextDouble() - 1);
        return Math.round(rateNanos * factor);
    }
}
