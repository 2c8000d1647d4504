package timeslave.time;

/**
 * What the daemon knows about its own clock, published for the servers and the ClockBound segment:
 * an honest interval for reference − local as a pure function of monotonic time (the same shape as
 * core's error bound) and whether the clock is held synchronised. Immutable; read by any thread.
 *
 * @param synchronised   the daemon disciplines the clock and has a bound (never under -m)
 * @param asOfMonoNanos  when the interval was computed
 * @param loNanos        lowest possible offset (reference − local) then, ns; −∞ when unknown
 * @param hiNanos        highest possible offset then, ns; +∞ when unknown
 * @param freqNsPerSec   rate at which the offset moves, ns/s
 * @param growthNsPerSec rate at which the interval widens on each side, ns/s
 * @param wanderNsPerSec15 and further by this × |dt|^1.5 on each side (a frequency random walk), ns/s per √s
 * @param disrupted      no interval, because the clock was stepped by someone else since the last one
 *                       (ClockBound's Disrupted) rather than because none was had yet
 */
public record ClockState(boolean synchronised, long asOfMonoNanos, double loNanos, double hiNanos,
                         double freqNsPerSec, double growthNsPerSec, double wanderNsPerSec15, boolean disrupted) {

    /** An interval, not disrupted. */
    public ClockState(boolean synchronised, long asOfMonoNanos, double loNanos, double hiNanos, double freqNsPerSec,
                      double growthNsPerSec, double wanderNsPerSec15) {
        this(synchronised, asOfMonoNanos, loNanos, hiNanos, freqNsPerSec, growthNsPerSec, wanderNsPerSec15, false);
    }

    /** An interval that widens in a straight line only. */
    public ClockState(boolean synchronised, long asOfMonoNanos, double loNanos, double hiNanos, double freqNsPerSec,
                      double growthNsPerSec) {
        this(synchronised, asOfMonoNanos, loNanos, hiNanos, freqNsPerSec, growthNsPerSec, 0);
    }

    /** Nothing known yet. */
    public static final ClockState UNKNOWN = new ClockState(false, 0, Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY, 0, 0);

    /** Nothing known since someone else stepped the clock, as of {@code monoNanos}. */
    public static ClockState disrupted(long monoNanos) {
        return new ClockState(false, monoNanos, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0, 0, true);
    }

    public boolean known() {
        return Double.isFinite(loNanos) && Double.isFinite(hiNanos);
    }

    /** Lowest possible offset at {@code monoNanos}, ns. */
    public double lo(long monoNanos) {
        double dt = (monoNanos - asOfMonoNanos) / 1e9;
        return loNanos + freqNsPerSec * dt - widening(dt);
    }

    /** Highest possible offset at {@code monoNanos}, ns. */
    public double hi(long monoNanos) {
        double dt = (monoNanos - asOfMonoNanos) / 1e9;
        return hiNanos + freqNsPerSec * dt + widening(dt);
    }

    /** How far each edge has moved out {@code dtSec} from asOf, ns. */
    public double widening(double dtSec) {
        return widening(growthNsPerSec, wanderNsPerSec15, dtSec);
    }

    /**
     * How far an edge that widens at {@code growthNsPerSec} plus {@code wanderNsPerSec15} × |dt|^1.5
     * has moved out after {@code dtSec} (either sign), ns: the shape of this interval and of core's
     * error bound alike.
     */
    public static double widening(double growthNsPerSec, double wanderNsPerSec15, double dtSec) {
        double a = Math.abs(dtSec);
        return growthNsPerSec * a + wanderNsPerSec15 * a * Math.sqrt(a);
    }

    /**
     * The least straight-line rate, ns/s, at which a reader that knows only the interval at
     * {@code monoNanos} may widen it and still hold the truth for {@code horizonSec} more seconds
     * (ClockBound's max drift): |freq| for the centre's motion plus the widening's steepest
     * average slope over that horizon, which for the |dt|^1.5 term is its slope at the far end's chord.
     */
    public double readerDriftNsPerSec(long monoNanos, double horizonSec) {
        double age = Math.abs((monoNanos - asOfMonoNanos) / 1e9);
        return Math.abs(freqNsPerSec) + (widening(age + horizonSec) - widening(age)) / horizonSec;
    }

    /** The best estimate of reference − local at {@code monoNanos}: the interval's centre, ns (0 when unknown). */
    public double offsetNanos(long monoNanos) {
        return known() ? (lo(monoNanos) + hi(monoNanos)) / 2 : 0;
    }

    /** Half the interval's width at {@code monoNanos}, ns (+∞ when unknown). */
    public double halfWidthNanos(long monoNanos) {
        return known() ? (hi(monoNanos) - lo(monoNanos)) / 2 : Double.POSITIVE_INFINITY;
    }

    /** Largest |offset| possible at {@code monoNanos}, ns (+∞ when unknown): the bound around the raw clock. */
    public double maxErrorNanos(long monoNanos) {
        return known() ? Math.max(Math.abs(lo(monoNanos)), Math.abs(hi(monoNanos))) : Double.POSITIVE_INFINITY;
    }

    /** Told each time the daemon's bound or synchronisation changes (after a measurement and after every clock change). */
    public interface Listener {
        void clockState(ClockState state);
    }
}
