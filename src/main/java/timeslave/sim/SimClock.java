package timeslave.sim;

import timeslave.time.ClockException;
import timeslave.time.SystemClock;

/**
 * The local clock of the simulated world, seen through the same seam as the kernel clock:
 * step, slew (the kernel's 500 ppm adjtime), frequency clamped to ±100 000 ppm, reads.
 * Counts every write so tests can prove -m never adjusts.
 */
public final class SimClock implements SystemClock {
    private final SimWorld world;
    private int writes;
    private int steps;
    private long maxErrorNanos = 16_000_000_000L;
    private long estErrorNanos = 16_000_000_000L;
    private boolean synchronised;
    private Leap leap = Leap.NONE;
    private final java.util.List<Leap> leapCalls = new java.util.ArrayList<>();

    SimClock(SimWorld world) {
        this.world = world;
    }

    @Override
    public long realtimeNanos() {
        return world.realtimeNanos();
    }

    /** The simulated monotonic clock runs at the disciplined rate, as Linux's: only steps move the two apart. */
    @Override
    public boolean stepsAloneMoveRealtimeAgainstMonotonic() {
        return true;
    }

    @Override
    public long monotonicNanos() {
        return world.monotonicNanos();
    }

    @Override
    public void step(long offsetNanos) throws ClockException {
        writes++;
        steps++;
        world.step(offsetNanos);
    }

    @Override
    public void slew(long offsetNanos) throws ClockException {
        writes++;
        world.slew(offsetNanos);
    }

    @Override
    public void setFrequency(double nsPerSec) throws ClockException {
        writes++;
        world.setFrequency(Math.max(-MAX_FREQUENCY_NS_PER_SEC, Math.min(MAX_FREQUENCY_NS_PER_SEC, nsPerSec)));
    }

    @Override
    public double frequency() {
        return world.freqSetNsPerSec();
    }

    @Override
    public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) throws ClockException {
        writes++;
        this.maxErrorNanos = maxErrorNanos;
        this.estErrorNanos = estErrorNanos;
        this.synchronised = synchronised;
    }

    @Override
    public void setLeap(Leap leap) throws ClockException {
        writes++;
        this.leap = leap;
        leapCalls.add(leap);
        world.kernelLeap(leap);
    }

    /** Every leap state set, in order. */
    public java.util.List<Leap> leapCalls() {
        return leapCalls;
    }

    /** Calls of any write method so far. */
    public int writes() {
        return writes;
    }

    /** Steps so far. */
    public int steps() {
        return steps;
    }

    public long maxErrorNanos() {
        return maxErrorNanos;
    }

    public boolean synchronised() {
        return synchronised;
    }
}
