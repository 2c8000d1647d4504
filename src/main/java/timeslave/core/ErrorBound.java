package timeslave.core;

import timeslave.time.ClockState;

/**
 * An honest interval for reference − local, as a pure function of monotonic time: at
 * {@code asOfMonoNanos} the offset lay in [loNanos, hiNanos]; from then on the interval's centre
 * moves at the estimated residual frequency and both edges widen at growthNsPerSec (the
 * frequency's uncertainty plus a maximum drift allowance). Like ClockBound, {@link #now} turns it
 * into earliest/latest true time for a local clock reading.
 *
 * @param asOfMonoNanos  when the interval was computed
 * @param loNanos        lowest possible offset then, ns
 * @param hiNanos        highest possible offset then, ns
 * @param freqNsPerSec   rate at which the offset moves, ns/s (with the frequency now in force)
 * @param growthNsPerSec rate at which the interval widens on each side, ns/s
 * @param wanderNsPerSec15 and further by this × |dt|^1.5 on each side (what a frequency random walk
 *                       can do to the offset; 0: none), ns/s per √s
 */
public record ErrorBound(long asOfMonoNanos, double loNanos, double hiNanos, double freqNsPerSec,
                         double growthNsPerSec, double wanderNsPerSec15) {

    /** A bound that widens in a straight line only. */
    public ErrorBound(long asOfMonoNanos, double loNanos, double hiNanos, double freqNsPerSec, double growthNsPerSec) {
        this(asOfMonoNanos, loNanos, hiNanos, freqNsPerSec, growthNsPerSec, 0);
    }

    /**
     * Allowance for oscillator drift the fit cannot see, ns/s: 15 ppm, the figure ClockBound
     * uses for a guest TSC (chrony's default 1 ppm gives a bound that fails 0.3–3 % of the time).
     */
    public static final double MAX_DRIFT_ALLOWANCE_NS_PER_SEC = 15_000.0;

    /** A bound this wide or wider means unsynchronised, ns (16 s: RFC 5905 MAXDISP, the kernel's maxerror limit). */
    public static final double UNSYNCHRONISED_NANOS = 16e9;

    /** Nothing known: the offset could be anything. */
    public static final ErrorBound UNKNOWN = new ErrorBound(0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0);

    /** earliest ≤ true time ≤ latest, POSIX ns. */
    public record Interval(long earliestNanos, long latestNanos) {
    }

    public boolean known() {
        return Double.isFinite(loNanos) && Double.isFinite(hiNanos);
    }

    /** Lowest possible offset at {@code monoNanos}. */
    public double lo(long monoNanos) {
        double dt = (monoNanos - asOfMonoNanos) / 1e9;
        return loNanos + freqNsPerSec * dt - widening(dt);
    }

    /** Highest possible offset at {@code monoNanos}. */
    public double hi(long monoNanos) {
        double dt = (monoNanos - asOfMonoNanos) / 1e9;
        return hiNanos + freqNsPerSec * dt + widening(dt);
    }

    private double widening(double dtSec) {
        return ClockState.widening(growthNsPerSec, wanderNsPerSec15, dtSec);
    }

    /** Half the interval's width at {@code monoNanos}, ns. */
    public double halfWidthNanos(long monoNanos) {
        return (hi(monoNanos) - lo(monoNanos)) / 2;
    }

    /** Largest |offset| possible at {@code monoNanos}, ns (Linux maxerror). */
    public double maxErrorNanos(long monoNanos) {
        return Math.max(Math.abs(lo(monoNanos)), Math.abs(hi(monoNanos)));
    }

    /** ClockBound's now(): the true time lies in the interval for a local reading taken at {@code monoNanos}. */
    public Interval now(long localRealtimeNanos, long monoNanos) {
        if (!known()) {
            return new Interval(Long.MIN_VALUE, Long.MAX_VALUE);
        }
        return new Interval(localRealtimeNanos + (long) Math.floor(lo(monoNanos)),
                localRealtimeNanos + (long) Math.ceil(hi(monoNanos)));
    }

    /**
     * The smallest bound of this shape holding both this and {@code other} from {@code monoNanos}
     * on: their interval hull then, centre moving at this bound's frequency, widening at the larger
     * growth plus the difference of their frequencies.
     */
    public ErrorBound hull(ErrorBound other, long monoNanos) {
        return new ErrorBound(monoNanos, Math.min(lo(monoNanos), other.lo(monoNanos)),
                Math.max(hi(monoNanos), other.hi(monoNanos)), freqNsPerSec,
                Math.max(growthNsPerSec, other.growthNsPerSec) + Math.abs(freqNsPerSec - other.freqNsPerSec),
                Math.max(wanderNsPerSec15, other.wanderNsPerSec15));
    }

    /** The same bound after the clock was moved (see {@link ClockChangeListener} for signs). */
    public ErrorBound afterChange(long monoNanos, double frequencyDeltaNsPerSec, long stepNanos) {
        if (!known()) {
            return this;
        }
        return new ErrorBound(monoNanos, lo(monoNanos) - stepNanos, hi(monoNanos) - stepNanos,
                freqNsPerSec - frequencyDeltaNsPerSec, growthNsPerSec, wanderNsPerSec15);
    }
}
