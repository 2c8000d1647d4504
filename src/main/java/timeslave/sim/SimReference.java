package timeslave.sim;

import timeslave.time.Sample;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;

import java.util.SplittableRandom;

/**
 * A perfect server at the far end of a {@link SimPath}: each measurement is a burst of SNTP-like
 * exchanges with the four timestamps T1..T4, reduced to the lowest-delay reply (RFC 5905 §8:
 * offset = ((T2 − T1) + (T3 − T4))/2, delay = (T4 − T1) − (T3 − T2)). It can be silenced for a
 * while, lie once, or be off by a constant bias (a falseticker).
 */
final class SimReference implements Reference {
    /** How long a lost probe is waited for, ns (-w default 1 s). */
    static final long PROBE_WAIT_NANOS = 1_000_000_000L;

    private final SimWorld world;
    private final SimPath path;
    private final SplittableRandom random;
    private final int probes;
    private final String name;
    private long biasNanos;
    private long silentFromNanos = Long.MAX_VALUE;
    private long silentToNanos = Long.MAX_VALUE;
    private long lieAtNanos = Long.MAX_VALUE;
    private long lieNanos;
    private long jumpAtNanos = Long.MAX_VALUE;
    private long jumpNanos;
    private long packets;
    private double lastTrueOffsetNanos;
    private Tap tap;
    private final SimPath.Queue queue;

    /** Sees each measurement's kept reply as the free-running (never corrected) clock would have measured it. */
    interface Tap {
        /**
         * @param trueSec        true time of the exchange's midpoint, s after the start
         * @param rawOffsetNanos reference − local for the uncorrected oscillator, with the exchange's own error
         * @param delayNanos     the round-trip delay
         */
        void sample(double trueSec, double rawOffsetNanos, long delayNanos);
    }

    void tap(Tap t) {
        this.tap = t;
    }

    SimReference(SimWorld world, SimPath path, int probes, SplittableRandom random) {
        this("sim", world, path, probes, random);
    }

    SimReference(String name, SimWorld world, SimPath path, int probes, SplittableRandom random) {
        this.name = name;
        this.world = world;
        this.path = path;
        this.probes = probes;
        this.random = random;
        this.queue = path.correlationSec() > 0 ? path.new Queue() : null;
    }

    /** No replies between these seconds after the start. */
    void silent(long fromSec, long toSec) {
        silentFromNanos = SimWorld.START_NANOS + fromSec * 1_000_000_000L;
        silentToNanos = SimWorld.START_NANOS + toSec * 1_000_000_000L;
    }

    /** The first measurement at or after {@code atSec} gets timestamps off by {@code nanos} (a broken server). */
    void lieOnce(long atSec, long nanos) {
        lieAtNanos = SimWorld.START_NANOS + atSec * 1_000_000_000L;
        lieNanos = nanos;
    }

    /** From {@code atSec} on, every timestamp the server sends is off by {@code nanos} (a master that jumped). */
    void jump(long atSec, long nanos) {
        jumpAtNanos = SimWorld.START_NANOS + atSec * 1_000_000_000L;
        jumpNanos = nanos;
    }

    /** The random stream this reference draws its delays from (shared by the first of several). */
    SplittableRandom random() {
        return random;
    }

    /** Every timestamp the server sends is off by {@code nanos} (true time + nanos). */
    void bias(long nanos) {
        biasNanos = nanos;
    }

    /** reference − local, the truth, when the last measurement ended. */
    double lastTrueOffsetNanos() {
        return lastTrueOffsetNanos;
    }

    /** Probes sent so far. */
    long packets() {
        return packets;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Sample measure() throws MeasurementException {
        boolean silent = world.trueNanos() >= silentFromNanos && world.trueNanos() < silentToNanos;
        long lie = 0;
        if (world.trueNanos() >= lieAtNanos) {
            lie = lieNanos;
            lieAtNanos = Long.MAX_VALUE;
        }
        Sample best = null;
        double bestRaw = 0;
        double bestTrueSec = 0;
        for (int i = 0; i < probes; i++) {
            packets++;
            double t1 = world.localSinceStartNanos();
            long mono1 = world.monotonicNanos();
            double correction1 = world.clockErrorNanos() - world.rawErrorNanos();
            double true1 = world.trueSinceStartNanos();
            double trueSec = world.trueSinceStartNanos() / 1e9;
            long up = path.delayNanos(true, random, queue, trueSec);
            long down = path.delayNanos(false, random, queue, trueSec);
            if (silent || up < 0 || down < 0) {
                world.advance(PROBE_WAIT_NANOS);
                continue;
            }
            world.advance(up);
            long jumped = world.trueNanos() >= jumpAtNanos ? jumpNanos : 0;
            double t2 = world.utcSinceStartNanos() + (double) (lie + biasNanos + jumped);
            double t3 = t2;
            if (path.serverNoiseNanos() > 0) {
                t2 += path.serverNoise(random);
                t3 += path.serverNoise(random);
            }
            world.advance(down);
            double t4 = world.localSinceStartNanos();
            long mono4 = world.monotonicNanos();
            double correction4 = world.clockErrorNanos() - world.rawErrorNanos();
            double offset = ((t2 - t1) + (t3 - t4)) / 2;
            double delay = (t4 - t1) - (t3 - t2);
            long delayNanos = Math.max(0, Math.round(delay));
            Sample s = new Sample(name, mono1 + (mono4 - mono1) / 2, SimWorld.START_NANOS + Math.round((t1 + t4) / 2),
                    Math.round(offset),
                    delayNanos, delayNanos / 2 + 1);
            if (best == null || s.delayNanos() < best.delayNanos()) {
                best = s;
                bestRaw = offset + (correction1 + correction4) / 2;
                bestTrueSec = (true1 + world.trueSinceStartNanos()) / 2 / 1e9;
            }
        }
        lastTrueOffsetNanos = -world.clockErrorNanos();
        if (best != null && tap != null) {
            tap.sample(bestTrueSec, bestRaw, best.delayNanos());
        }
        if (best == null) {
            throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no reply to " + probes
                    + (probes == 1 ? " probe" : " probes"));
        }
        return best;
    }
}
