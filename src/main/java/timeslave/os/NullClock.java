package timeslave.os;

import timeslave.log.Log;
import timeslave.time.SystemClock;

/**
 * The clock for -m (as chrony's sys_null for -x): reads come from the real clock, every write is
 * dropped with a debug line ("-m: not stepping by ..."), and the frequency it reports is the last one
 * it was asked for (initially the kernel's).
 */
public final class NullClock implements SystemClock {
    private final SystemClock real;
    private final Log log;
    private Double frequencyNsPerSec;

    /** @param real read from, never written to */
    public NullClock(SystemClock real, Log log) {
        this.real = real;
        this.log = log;
    }

    @Override
    public long realtimeNanos() {
        return real.realtimeNanos();
    }

    @Override
    public boolean stepsAloneMoveRealtimeAgainstMonotonic() {
        return real.kernelRealtime();
    }

    @Override
    public long monotonicNanos() {
        return real.monotonicNanos();
    }

    @Override
    public void step(long offsetNanos) {
        log.debug(1, "-m: not stepping the clock by " + offsetNanos + " ns");
    }

    @Override
    public void slew(long offsetNanos) {
        log.debug(2, "-m: not slewing the clock by " + offsetNanos + " ns");
    }

    @Override
    public void setFrequency(double nsPerSec) {
        frequencyNsPerSec = nsPerSec;
        log.debug(2, "-m: not setting the frequency to " + nsPerSec + " ns/s");
    }

    @Override
    public double frequency() throws timeslave.time.ClockException {
        return frequencyNsPerSec != null ? frequencyNsPerSec : real.frequency();
    }

    @Override
    public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) {
        log.debug(3, "-m: not setting maxerror " + maxErrorNanos + " ns, esterror " + estErrorNanos + " ns");
    }

    @Override
    public void setLeap(Leap leap) {
        log.debug(1, "-m: not arming leap " + leap);
    }
}
