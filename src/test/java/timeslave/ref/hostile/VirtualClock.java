package timeslave.ref.hostile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import timeslave.time.SystemClock;

/**
 * The true time and a local clock over it, for the hostile-reference suite; the local clock records every
 * write (step, slew, frequency) and applies steps and slews at once. In {@link #loopback} mode the truth
 * follows the JDK's real clocks plus a virtual advance (the scheduler skips the waits between
 * measurements, while packets cross real loopback sockets in real time); in {@link #virtual} mode
 * everything is virtual and moves only when a fake serial line or the scheduler says so.
 */
final class VirtualClock implements SystemClock {
    private final boolean real;
    private volatile long advanceNanos;
    private volatile long virtualMono = 1_000_000_000_000L;
    private final long virtualRealAtStart;
    private volatile long localErrorNanos;
    private volatile double frequency;
    final List<String> writes = new ArrayList<>();
    final List<Long> corrections = new ArrayList<>();

    private VirtualClock(boolean real, long virtualRealAtStart) {
        this.real = real;
        this.virtualRealAtStart = virtualRealAtStart;
    }

    static VirtualClock loopback() {
        return new VirtualClock(true, 0);
    }

    static VirtualClock virtual(long realAtStartNanos) {
        return new VirtualClock(false, realAtStartNanos);
    }

    /** The true POSIX time now: what an honest reference reports. */
    long trueNanos() {
        if (real) {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano() + advanceNanos;
        }
        return virtualRealAtStart + (virtualMono - 1_000_000_000_000L);
    }

    /** The truth at a monotonic instant (virtual mode: exact). */
    long trueAtMono(long mono) {
        return real ? trueNanos() - (monotonicNanos() - mono) : virtualRealAtStart + (mono - 1_000_000_000_000L);
    }

    /** reference − local for an honest reference: minus the local clock's error. */
    long trueOffsetNanos() {
        return -localErrorNanos;
    }

    /** Moves time forward to {@code mono} (never back). */
    synchronized void advanceTo(long mono) {
        long d = mono - monotonicNanos();
        if (d <= 0) {
            return;
        }
        if (real) {
            advanceNanos += d;
        } else {
            virtualMono += d;
        }
    }

    @Override
    public long realtimeNanos() {
        return trueNanos() + localErrorNanos;
    }

    @Override
    public long monotonicNanos() {
        return real ? System.nanoTime() + advanceNanos : virtualMono;
    }

    @Override
    public synchronized void step(long offsetNanos) {
        writes.add("step " + offsetNanos);
        corrections.add(offsetNanos);
        localErrorNanos += offsetNanos;
    }

    @Override
    public synchronized void slew(long offsetNanos) {
        writes.add("slew " + offsetNanos);
        corrections.add(offsetNanos);
        localErrorNanos += offsetNanos;
    }

    @Override
    public synchronized void setFrequency(double nsPerSec) {
        writes.add("frequency " + Math.round(nsPerSec));
        frequency = nsPerSec;
    }

    @Override
    public double frequency() {
        return frequency;
    }

    @Override
    public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) {
    }

    @Override
    public void setLeap(Leap leap) {
    }

    synchronized List<String> stepsAndSlews() {
        return writes.stream().filter(w -> w.startsWith("step") || w.startsWith("slew")).toList();
    }
}
