package timeslave.sim;

/**
 * The simulated world's one true timeline: true time, and the local clock running over the
 * oscillator with the frequency correction and kernel slew the daemon asked for. Time moves only
 * when {@link SimScheduler} waits or a {@link SimReference} exchange is in flight; at every whole
 * true second the oscillator wanders and the observer records the truth.
 */
final class SimWorld {

    /** Kernel adjtime slew rate, ns/s (Linux MAX_TICKADJ: 500 ppm). */
    static final double KERNEL_SLEW_NS_PER_SEC = 500_000.0;
    /** Virtual start: 2026-06-01T00:00:00Z, POSIX ns. */
    static final long START_NANOS = 1_780_272_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /** Called at every whole true second. */
    interface Observer {
        void second(SimWorld world);
    }

    final SimOscillator oscillator;
    private final long endNanos;
    private long trueNanos = START_NANOS;
    private long nextTickNanos = START_NANOS + SECOND;
    private double offsetNanos;          // local − true
    private double rawErrorNanos;        // local − true had nobody corrected the clock (the oscillator alone)
    private double monoNanos = 1_000 * (double) SECOND;
    private double freqSetNsPerSec;
    private double slewRemainingNanos;
    private Observer observer = w -> { };
    private long externalStepAtNanos = Long.MAX_VALUE;
    private long externalStepNanos;

    SimWorld(SimOscillator oscillator, double initialOffsetNanos, long durationNanos) {
        this.oscillator = oscillator;
        this.offsetNanos = initialOffsetNanos;
        this.rawErrorNanos = initialOffsetNanos;
        this.endNanos = START_NANOS + durationNanos;
    }

    void observer(Observer o) {
        this.observer = o;
    }

    /** Someone else steps the clock by {@code stepNanos} at {@code atSec} seconds after the start. */
    void externalStep(long atSec, long stepNanos) {
        externalStepAtNanos = START_NANOS + atSec * SECOND;
        externalStepNanos = stepNanos;
    }

    long trueNanos() {
        return trueNanos;
    }

    /** Seconds of true time since the start. */
    double elapsedSec() {
        return (trueNanos - START_NANOS) / 1e9;
    }

    boolean ended() {
        return trueNanos >= endNanos;
    }

    /** local − true, ns. */
    double clockErrorNanos() {
        return offsetNanos;
    }

    /**
     * The local clock's reading minus {@link #START_NANOS}, as a double: exact to well under a
     * nanosecond for any run length (a double holding the full POSIX time would be 256 ns coarse).
     */
    double localSinceStartNanos() {
        return (trueNanos - START_NANOS) + offsetNanos;
    }

    /**
     * local − true for the uncorrected oscillator (initial offset + its integrated frequency), ns:
     * with {@link #clockErrorNanos} it turns a measured offset back into one of the free-running clock.
     */
    double rawErrorNanos() {
        return rawErrorNanos;
    }

    /** True time minus {@link #START_NANOS}. */
    long trueSinceStartNanos() {
        return trueNanos - START_NANOS;
    }

    long realtimeNanos() {
        return trueNanos + Math.round(offsetNanos);
    }

    long monotonicNanos() {
        return (long) Math.floor(monoNanos);
    }

    double freqSetNsPerSec() {
        return freqSetNsPerSec;
    }

    void setFrequency(double nsPerSec) {
        freqSetNsPerSec = nsPerSec;
    }

    void step(long nanos) {
        offsetNanos += nanos;
    }

    void slew(long nanos) {
        slewRemainingNanos = nanos;
    }

    private double rateNsPerSec() {
        double slew = slewRemainingNanos == 0 ? 0 : Math.copySign(KERNEL_SLEW_NS_PER_SEC, slewRemainingNanos);
        return oscillator.freqNsPerSec() + freqSetNsPerSec + slew;
    }

    /** Lets {@code nanos} of true time pass (a packet in flight). */
    void advance(long nanos) {
        advanceUntilTrue(trueNanos + nanos);
    }

    /** Lets true time pass until the monotonic clock reads {@code deadline}, or the run ends. */
    void advanceToMono(long deadline) {
        while (monoNanos < deadline && trueNanos < endNanos) {
            double need = (deadline - monoNanos) / (1 + rateNsPerSec() / 1e9);
            long step = Math.max(1, (long) Math.ceil(need));
            advanceUntilTrue(Math.min(trueNanos + step, Math.min(nextTickNanos, endNanos)));
        }
    }

    private void advanceUntilTrue(long target) {
        while (trueNanos < target) {
            long end = Math.min(target, nextTickNanos);
            while (trueNanos < end) {
                long stop = end;
                double slewRate = 0;
                if (slewRemainingNanos != 0) {
                    slewRate = Math.copySign(KERNEL_SLEW_NS_PER_SEC, slewRemainingNanos);
                    long slewEnd = trueNanos + (long) Math.ceil(Math.abs(slewRemainingNanos) / KERNEL_SLEW_NS_PER_SEC * 1e9);
                    stop = Math.min(stop, Math.max(slewEnd, trueNanos + 1));
                }
                double dtSec = (stop - trueNanos) / 1e9;
                double drift = (oscillator.freqNsPerSec() + freqSetNsPerSec) * dtSec;
                if (slewRate != 0) {
                    double applied = slewRate * dtSec;
                    if (Math.abs(applied) >= Math.abs(slewRemainingNanos)) {
                        applied = slewRemainingNanos;
                        slewRemainingNanos = 0;
                    } else {
                        slewRemainingNanos -= applied;
                    }
                    drift += applied;
                }
                offsetNanos += drift;
                rawErrorNanos += oscillator.freqNsPerSec() * dtSec;
                monoNanos += (stop - trueNanos) + drift;
                trueNanos = stop;
            }
            if (trueNanos == nextTickNanos) {
                nextTickNanos += SECOND;
                oscillator.tick();
                if (trueNanos == externalStepAtNanos) {
                    offsetNanos += externalStepNanos;
                }
                observer.second(this);
            }
        }
    }
}
