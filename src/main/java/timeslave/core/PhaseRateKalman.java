package timeslave.core;

/**
 * A two-state Kalman filter of a clock's phase (ns) and rate (ns/s) whose rate does a random walk:
 * between measurements dt s apart the phase moves by rate·dt and the covariance grows by
 * q·[[dt³/3, dt²/2], [dt²/2, dt]] (q = wander², (ns/s)²/s); a measurement of the phase with
 * variance r corrects both. Used by {@link Filter}'s frequency tracker and by the simulator's
 * oracle, so the daemon and its benchmark floor share one piece of arithmetic.
 */
public final class PhaseRateKalman {
    private double phaseNanos;
    private double rateNsPerSec;
    private double p00;
    private double p01;
    private double p11;

    /** Starts from a phase and rate with the given covariance (ns², ns²/s, (ns/s)²). */
    public void start(double phaseNanos, double rateNsPerSec, double p00, double p01, double p11) {
        this.phaseNanos = phaseNanos;
        this.rateNsPerSec = rateNsPerSec;
        this.p00 = p00;
        this.p01 = p01;
        this.p11 = p11;
    }

    /** Carries the state {@code dtSec} forward (nothing for dtSec ≤ 0) under wander variance {@code q}. */
    public void predict(double dtSec, double q) {
        if (!(dtSec > 0)) {
            return;
        }
        double dt = dtSec;
        phaseNanos += rateNsPerSec * dt;
        p00 += 2 * dt * p01 + dt * dt * p11 + q * dt * dt * dt / 3;
        p01 += dt * p11 + q * dt * dt / 2;
        p11 += q * dt;
    }

    /** Corrects the state with a phase measurement of variance {@code r}, ns². */
    public void update(double measuredPhaseNanos, double r) {
        double s = p00 + r;
        double k0 = p00 / s;
        double k1 = p01 / s;
        double innovation = measuredPhaseNanos - phaseNanos;
        phaseNanos += k0 * innovation;
        rateNsPerSec += k1 * innovation;
        double n00 = p00 - k0 * p00;
        double n01 = p01 - k0 * p01;
        double n11 = p11 - k1 * p01;
        p00 = n00;
        p01 = n01;
        p11 = n11;
    }

    /** Moves the state without touching its uncertainty (the clock was changed under it). */
    public void shift(double phaseNanos, double rateNsPerSec) {
        this.phaseNanos += phaseNanos;
        this.rateNsPerSec += rateNsPerSec;
    }

    public double phaseNanos() {
        return phaseNanos;
    }

    public double rateNsPerSec() {
        return rateNsPerSec;
    }

    /** Variance of the phase, ns². */
    public double phaseVar() {
        return p00;
    }

    /** Covariance of phase and rate, ns²/s. */
    public double covar() {
        return p01;
    }

    /** Variance of the rate, (ns/s)². */
    public double rateVar() {
        return p11;
    }
}
