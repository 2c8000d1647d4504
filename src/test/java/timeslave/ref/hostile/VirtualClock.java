package timeslave.ref.hostile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import timeslave.time.SystemClock;

/**
 * The true time and a local clock over it, for the hostile-reference suite; the local clock records every
 * write (step, slew, frequency) and applies steps and slews at once, and runs at the frequency it was
 * last given (the daemon slews and trims by frequency, never by {@link #slew}: a clock that ignored it
 * could not show a hostile reference dragging it). In {@link #loopback} mode the truth
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
    /** Monotonic time up to which the frequency has been applied. */
    private long settledMono = Long.MIN_VALUE;
    /** How far the frequency has moved the local clock so far, ns, and the most it has at any moment. */
    private double movedByFrequencyNanos;
    private double maxMovedByFrequencyNanos;
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
        settle();
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
        settle();
        return trueNanos() + localErrorNanos;
    }

    /** Applies the frequency in force from the last settled instant to now. */
    private synchronized void settle() {
        long mono = monotonicNanos();
        if (settledMono != Long.MIN_VALUE && mono > settledMono && frequency != 0) {
            double moved = frequency * (mono - settledMono) / 1e9;
            movedByFrequencyNanos += moved;
            maxMovedByFrequencyNanos = Math.max(maxMovedByFrequencyNanos, Math.abs(movedByFrequencyNanos));
            localErrorNanos += Math.round(moved);
        }
        settledMono = Math.max(settledMono, mono);
    }

    /** The most the frequencies set have moved the local clock away from where it started, ns. */
    synchronized long maxMovedByFrequencyNanos() {
        settle();
        return Math.round(maxMovedByFrequencyNanos);
    }

    @Override
    public long monotonicNanos() {
        return real ? System.nanoTime() + advanceNanos : virtualMono;
    }

    @Override
    public synchronized void step(long offsetNanos) {
        settle();
        writes.add("step " + offsetNanos);
        corrections.add(offsetNanos);
        localErrorNanos += offsetNanos;
    }

    @Override
    public synchronized void slew(long offsetNanos) {
        settle();
        writes.add("slew " + offsetNanos);
        corrections.add(offsetNanos);
        localErrorNanos += offsetNanos;
    }

    @Override
    public synchronized void setFrequency(double nsPerSec) {
        settle();
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
