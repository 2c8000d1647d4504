package timeslave.sim;

import timeslave.core.PhaseRateKalman;

/**
 * A Kalman filter that knows the simulator's true model, fed the same replies as the daemon: the
 * floor for any causal frequency estimate from those samples (benchmark only, never the daemon).
 *
 * <p>State: phase p = reference − local of the free-running oscillator (ns) and its rate
 * g = dp/dt = −(oscillator frequency) (ns/s), so g is the ideal timetrim. Between samples
 * (dt s), p += g·dt and g takes a random walk of spectral density q = wander² (ns/s)²/s:
 * Q = q·[[dt³/3, dt²/2], [dt²/2, dt]]. A reply measures p with an error of variance R: either
 * the path's unconditional one, (J_up² + J_down²)/4 for exponential jitter means J, or, knowing
 * the delay, e²/12 with e = round trip − 2·base (each one-way jitter is then uniform on [0, e],
 * so the error (up − down)/2 is uniform on ±e/2), plus the simulator's 1 ns rounding.
 */
final class OracleKalman implements SimReference.Tap {
    /** Prior uncertainty of the rate before the first sample, ns/s (the oscillator starts at 100 ppm). */
    static final double PRIOR_RATE_SD_NS_PER_SEC = 1_000_000.0;
    /** Rounding of the simulated timestamps to whole ns, as a variance, ns². */
    static final double ROUNDING_VAR_NS2 = 1.0;

    private final double q;
    private final double baseRoundTripNanos;
    private final double constantVar;
    private final boolean delayAware;
    private boolean started;
    private double tSec;
    private final PhaseRateKalman kalman = new PhaseRateKalman();

    /**
     * @param wanderNsPerSec the oscillator's random walk, ns/s per √s
     * @param path           the (symmetric, spike-free) path
     * @param delayAware     whether each reply's variance comes from its delay
     */
    OracleKalman(double wanderNsPerSec, SimPath path, boolean delayAware) {
        this.q = wanderNsPerSec * wanderNsPerSec;
        this.baseRoundTripNanos = 2.0 * path.baseNanos();
        this.constantVar = (path.upJitterNanos() * path.upJitterNanos()
                + path.downJitterNanos() * path.downJitterNanos()) / 4 + ROUNDING_VAR_NS2;
        this.delayAware = delayAware;
    }

    @Override
    public void sample(double trueSec, double rawOffsetNanos, long delayNanos) {
        double r = constantVar;
        if (delayAware) {
            double e = Math.max(0, delayNanos - baseRoundTripNanos);
            r = e * e / 12 + ROUNDING_VAR_NS2;
        }
        if (!started) {
            started = true;
            tSec = trueSec;
            kalman.start(rawOffsetNanos, 0, r, 0, PRIOR_RATE_SD_NS_PER_SEC * PRIOR_RATE_SD_NS_PER_SEC);
            return;
        }
        if (trueSec > tSec) {
            kalman.predict(trueSec - tSec, q);
            tSec = trueSec;
        }
        kalman.update(rawOffsetNanos, r);
    }

    /** The path's unconditional variance of one reply's offset error, ns². */
    double constantVariance() {
        return constantVar;
    }

    /** Whether a sample has arrived. */
    boolean started() {
        return started;
    }

    /** The estimated ideal timetrim (−oscillator frequency) at the last sample, ns/s. */
    double rateNsPerSec() {
        return kalman.rateNsPerSec();
    }

    /** The filter's own standard deviation of that rate, carried forward to {@code trueSec}, ns/s. */
    double rateSdNsPerSec(double trueSec) {
        return Math.sqrt(kalman.rateVar() + q * Math.max(0, trueSec - tSec));
    }

    /**
     * Steady-state rate standard deviation of the continuous-time filter for white phase noise of
     * variance {@code var} ns² sampled every {@code intervalSec}: R = var·interval (ns²·s), and the
     * Riccati equation gives P_gg = √2·(R·q³)^¼, ns/s.
     */
    static double continuousRateSd(double var, double intervalSec, double wanderNsPerSec) {
        double r = var * intervalSec;
        double q = wanderNsPerSec * wanderNsPerSec;
        return Math.sqrt(Math.sqrt(2) * Math.pow(r * q * q * q, 0.25));
    }

    /**
     * The same for the discrete filter (samples every {@code intervalSec}, constant variance):
     * iterates the Riccati recursion to its fixed point; returns {after update, just before the next sample}, ns/s.
     */
    static double[] discreteRateSd(double var, double intervalSec, double wanderNsPerSec) {
        double qq = wanderNsPerSec * wanderNsPerSec;
        PhaseRateKalman k = new PhaseRateKalman();
        k.start(0, 0, var, 0, 1e6);
        double before = 0;
        for (int i = 0; i < 100_000; i++) {
            k.predict(intervalSec, qq);
            before = k.rateVar();
            k.update(0, var);
        }
        return new double[] {Math.sqrt(k.rateVar()), Math.sqrt(before)};
    }
}
