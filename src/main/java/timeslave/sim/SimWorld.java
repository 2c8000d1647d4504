package timeslave.sim;

import timeslave.time.SystemClock;

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
    // A leap second in UTC: from true time utcLeapNanos on, UTC = true + utcLeapStepNanos (−1 s for an insert).
    private long utcLeapNanos = Long.MAX_VALUE;
    private long utcLeapStepNanos;
    private long smearAtSec;             // the leap (POSIX s) whose smeared timescale the clock is judged against, 0 none
    private int smearSign;
    // The kernel's leap state (STA_INS/STA_DEL): the local reading at which it acts, and its step.
    private long kernelLeapAtNanos = Long.MAX_VALUE;
    private long kernelLeapStepNanos;
    private boolean kernelLeapDone;

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

    /**
     * UTC has a leap second at POSIX second {@code atPosixSec} (00:00:00 UTC): an insert (sign +1)
     * repeats the second before it, a delete (−1) skips it; true time stays a count of SI seconds.
     * With {@code judgeSmeared} the clock is judged against the smeared timescale (noon to noon,
     * see core.LeapPlanner), else against POSIX UTC.
     */
    void utcLeap(long atPosixSec, int sign, boolean judgeSmeared) {
        utcLeapNanos = (sign > 0 ? atPosixSec : atPosixSec - 1) * SECOND;
        utcLeapStepNanos = -sign * SECOND;
        if (judgeSmeared) {
            smearAtSec = atPosixSec;
            smearSign = sign;
        }
    }

    /** The true instant of UTC's leap, POSIX ns on the true count (Long.MAX_VALUE: none). */
    long utcLeapNanos() {
        return utcLeapNanos;
    }

    /**
     * What Linux does with STA_INS/STA_DEL (kernel/time/ntp.c second_overflow): at the next
     * midnight of the local clock's reading an insert steps it back one second; a delete steps it
     * forward one second when it reaches 23:59:59. Once done it stays done until cleared.
     */
    void kernelLeap(SystemClock.Leap leap) {
        if (leap == SystemClock.Leap.NONE) {
            kernelLeapAtNanos = Long.MAX_VALUE;
            kernelLeapDone = false;
            return;
        }
        long day = 86_400 * SECOND;
        long midnight = (Math.floorDiv(realtimeNanos(), day) + 1) * day;
        kernelLeapAtNanos = leap == SystemClock.Leap.INSERT ? midnight : midnight - SECOND;
        kernelLeapStepNanos = leap == SystemClock.Leap.INSERT ? -SECOND : SECOND;
    }

    /** UTC minus true time now, ns (0 before the leap). */
    private long utcMinusTrueNanos() {
        return trueNanos >= utcLeapNanos ? utcLeapStepNanos : 0;
    }

    /** UTC minus {@link #START_NANOS}, ns: what a perfect UTC server answers. */
    double utcSinceStartNanos() {
        return (trueNanos - START_NANOS) + (double) utcMinusTrueNanos();
    }

    /**
     * local − UTC, ns. At the leap instant itself POSIX UTC has two readings (before and after the
     * leap); the one nearer the clock counts.
     */
    double utcErrorNanos() {
        double e = offsetNanos - utcMinusTrueNanos();
        if (trueNanos == utcLeapNanos && Math.abs(offsetNanos) < Math.abs(e)) {
            return offsetNanos;
        }
        return e;
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

    /** local − the timescale the clock is judged against (UTC, or the smeared timescale), ns. */
    double clockErrorNanos() {
        if (smearAtSec != 0) {
            return offsetNanos - smearedMinusTrueNanos();
        }
        return utcLeapNanos == Long.MAX_VALUE ? offsetNanos : utcErrorNanos();
    }

    /** The rate of the timescale the clock is judged against, relative to true time, ns/s (the smear's, or 0). */
    double judgedRateNsPerSec() {
        if (smearAtSec == 0) {
            return 0;
        }
        double tau0 = (smearAtSec - 43_200) * (double) SECOND;
        double tau1 = tau0 + (86_400 + smearSign) * (double) SECOND;
        return trueNanos >= tau0 && trueNanos < tau1 ? -smearSign * 1e9 / (86_400 + smearSign) : 0;
    }

    /** The smeared timescale minus true time, ns: −sign·frac over the window (noon UTC to noon UTC). */
    private double smearedMinusTrueNanos() {
        double tau0 = (smearAtSec - 43_200) * (double) SECOND;
        double width = (86_400 + smearSign) * (double) SECOND;
        double frac = Math.max(0, Math.min(1, (trueNanos - tau0) / width));
        return -smearSign * frac * SECOND;
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
                if (kernelLeapAtNanos != Long.MAX_VALUE && !kernelLeapDone) {
                    long reach = kernelLeapAtNanos - (long) Math.floor(offsetNanos);
                    stop = Math.min(stop, Math.max(reach, trueNanos + 1));
                }
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
                if (kernelLeapAtNanos != Long.MAX_VALUE && !kernelLeapDone
                        && (trueNanos - kernelLeapAtNanos) + offsetNanos >= 0) {
                    offsetNanos += kernelLeapStepNanos;
                    kernelLeapDone = true;
                }
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
