package timeslave.core;

import timeslave.log.Log;
import timeslave.time.ClockException;
import timeslave.time.SystemClock;

import java.util.List;

/**
 * Turns estimates into clock changes: steps large offsets once several measurements agree,
 * slews the rest by running the clock faster or slower for a computed time (as chrony does,
 * never with the kernel's 500 ppm adjtime), and keeps the timetrim (ns/s, positive = faster).
 * Every change is broadcast to the {@link ClockChangeListener}s so stored samples follow it.
 */
public final class Discipline {

    /** Fastest slew, ns/s: chrony's maxslewrate 83 333 ppm, inside Linux's ±10 % tick range. */
    static final double MAX_SLEW_NS_PER_SEC = 83_333_333.0;
    /**
     * An offset equal to its own standard error is corrected over this many update intervals
     * (chrony's corrtimeratio is 3; the filter's estimate is already smoothed, and slewing it away
     * more slowly only makes the clock lag it: issue 13).
     */
    static final double CORRECTION_TIME_RATIO = 1.0;
    /** The ratio falls in proportion above this interval, s: with long intervals, drift between updates outweighs noise. */
    static final double CORRECTION_RATIO_INTERVAL_SEC = 64.0;
    /** Smallest correction time ratio. */
    static final double MIN_CORRECTION_TIME_RATIO = 0.3;
    /** Shortest slew, s. */
    static final double MIN_SLEW_SEC = 1.0;
    /** Longest slew, s (chrony's 10 000 s). */
    static final double MAX_SLEW_SEC = 10_000.0;
    /** Measurements that must agree before a step. */
    public static final int STEP_AGREEING_SAMPLES = 3;
    /** Accumulated corrections below this are not logged at INFO, ns (ntpd's LOG_NEGLIGIBLE_ADJTIME, 32 ms). */
    static final double LOG_NEGLIGIBLE_NANOS = 32_000_000.0;
    /** Frequency skew (99.95 % bound) with no saved timetrim, ns/s: chrony's 2000 ppm. */
    static final double UNKNOWN_TRIM_SKEW_NS_PER_SEC = 2_000_000.0;
    /** Frequency skew of a saved timetrim, ns/s (1 ns/s resolution, a few ns/s of wander since it was saved). */
    static final double SAVED_TRIM_SKEW_NS_PER_SEC = 20.0;
    /** Oscillator frequency random walk assumed between updates, ns/s per √s (clknetsim's 1e-9). */
    static final double WANDER_NS_PER_SEC_PER_SQRT_SEC = 1.0;
    /** Skew per standard deviation for the wander allowance (the 99.95 % normal quantile). */
    static final double SKEW_PER_SD = 3.3;
    /** A frequency estimate less certain than this is not used at all, ns/s (chrony's maxupdateskew, 1000 ppm). */
    static final double MAX_UPDATE_SKEW_NS_PER_SEC = 1_000_000.0;
    /** Weight of the old frequency against a new regression slope (chrony: 3·skew_old²). */
    static final double OLD_FREQUENCY_WEIGHT = 3.0;

    private static final double NANOS_PER_SEC = 1e9;

    private final Settings settings;
    private final SystemClock clock;
    private final Log log;
    private final List<ClockChangeListener> listeners;

    private double trimNsPerSec;
    private double trimVar;
    private double frequencyNsPerSec;
    private long slewEndMono = Long.MAX_VALUE;
    private long slewStartMono;
    private double slewRateNsPerSec;
    private long lastUpdateMono = Long.MIN_VALUE;
    private double accumulatedNanos;
    private long accumulatedSinceMono = Long.MIN_VALUE;
    private boolean clampLogged;
    private double smearNsPerSec;

    /**
     * @param trimNsPerSec the starting timetrim (saved, -i, or 0)
     * @param saved        whether it came from a saved file (then it is trusted to a few ns/s)
     */
    public Discipline(Settings settings, SystemClock clock, Log log, double trimNsPerSec, boolean saved,
                      List<ClockChangeListener> listeners) {
        this.settings = settings;
        this.clock = clock;
        this.log = log;
        this.listeners = List.copyOf(listeners);
        this.trimNsPerSec = clampTrim(trimNsPerSec);
        double skew = saved ? SAVED_TRIM_SKEW_NS_PER_SEC : UNKNOWN_TRIM_SKEW_NS_PER_SEC;
        this.trimVar = skew * skew;
        this.frequencyNsPerSec = this.trimNsPerSec;
    }

    /** Applies the starting timetrim to the clock. */
    public void start(long monoNanos) throws ClockException {
        double before = clock.frequency();
        setFrequency(monoNanos, trimNsPerSec, before);
    }

    /** The timetrim now, ns/s. */
    public double timetrimNsPerSec() {
        return trimNsPerSec;
    }

    /** The frequency correction in force now (timetrim plus any slew), ns/s. */
    public double frequencyNsPerSec() {
        return frequencyNsPerSec;
    }

    /** Frequency uncertainty of the timetrim (a 99.95 % bound, like chrony's skew), ns/s. */
    public double timetrimSkewNsPerSec() {
        return Math.sqrt(trimVar);
    }

    /** Monotonic time at which the current slew ends ({@link Long#MAX_VALUE} if none). */
    public long slewEndMono() {
        return slewEndMono;
    }

    /**
     * Acts on a fresh estimate.
     *
     * @param e              the filter's estimate at {@code monoNanos}
     * @param agreeing       whether the newest {@link #STEP_AGREEING_SAMPLES} samples agree
     * @param intervalNanos  time until the next measurement
     * @return the step made, ns (0 if none)
     */
    public long update(Estimate e, boolean agreeing, long monoNanos, long intervalNanos) throws ClockException {
        double offset = e.offsetNanos();
        long stepped = 0;
        if (Math.abs(offset) > settings.stepThresholdNanos()) {
            if (!agreeing) {
                log.debug(1, "offset " + Seconds.signed(offset) + " s beyond the step threshold; waiting for "
                        + STEP_AGREEING_SAMPLES + " agreeing measurements");
                return 0;
            }
            stepped = Math.round(offset);
            clock.step(stepped);
            log.notice("clock stepped by " + Seconds.signed(stepped) + " s");
            for (ClockChangeListener l : listeners) {
                l.clockChanged(monoNanos, 0, stepped);
            }
            offset -= stepped;
        }
        updateTrim(e, monoNanos);
        slew(offset, e.offsetSdNanos(), monoNanos, intervalNanos);
        lastUpdateMono = monoNanos;
        return stepped;
    }

    /**
     * Runs the clock {@code rateNsPerSec} faster on top of timetrim and slew: a leap second smear's
     * rate, fed forward (0 ends it). It stays out of the timetrim, and the listeners are not told:
     * the samples are taken against the smeared timescale, which moves at this same rate.
     */
    public void smear(long monoNanos, double rateNsPerSec) throws ClockException {
        clock.setFrequency(withinKernelRange(frequencyNsPerSec + rateNsPerSec));
        smearNsPerSec = rateNsPerSec;
    }

    /**
     * A frequency for the kernel, limited to its range: timetrim and slew are limited already, but a
     * smear's rate on top of a slew at the limit would have the whole change refused.
     */
    private static double withinKernelRange(double nsPerSec) {
        return Math.max(-SystemClock.MAX_FREQUENCY_NS_PER_SEC, Math.min(SystemClock.MAX_FREQUENCY_NS_PER_SEC, nsPerSec));
    }

    /** Ends the slew in progress: the clock returns to the timetrim. */
    public void endSlew(long monoNanos) throws ClockException {
        slewEndMono = Long.MAX_VALUE;
        setFrequency(monoNanos, trimNsPerSec, frequencyNsPerSec);
    }

    private void updateTrim(Estimate e, long monoNanos) {
        if (lastUpdateMono != Long.MIN_VALUE) {
            double sinceSec = (monoNanos - lastUpdateMono) / NANOS_PER_SEC;
            trimVar += SKEW_PER_SD * SKEW_PER_SD * WANDER_NS_PER_SEC_PER_SQRT_SEC * WANDER_NS_PER_SEC_PER_SQRT_SEC
                    * sinceSec;
        }
        double newVar = e.skewNsPerSec() * e.skewNsPerSec();
        double target = frequencyNsPerSec + e.freqNsPerSec();
        double gain = OLD_FREQUENCY_WEIGHT * trimVar / (OLD_FREQUENCY_WEIGHT * trimVar + newVar);
        if (!Double.isFinite(gain) || e.skewNsPerSec() > MAX_UPDATE_SKEW_NS_PER_SEC) {
            gain = 0;
        }
        trimNsPerSec = clampTrim(trimNsPerSec + gain * (target - trimNsPerSec));
        trimVar = Math.min(trimVar, newVar);
    }

    private void slew(double offsetNanos, double offsetSdNanos, long monoNanos, long intervalNanos)
            throws ClockException {
        double intervalSec = intervalNanos / NANOS_PER_SEC;
        double ratio = Math.max(MIN_CORRECTION_TIME_RATIO,
                Math.min(CORRECTION_TIME_RATIO, CORRECTION_TIME_RATIO * CORRECTION_RATIO_INTERVAL_SEC / intervalSec));
        double durationSec = ratio * intervalSec * Math.max(offsetSdNanos, 1.0)
                / Math.max(Math.abs(offsetNanos), 1e-3);
        durationSec = Math.max(MIN_SLEW_SEC, Math.min(MAX_SLEW_SEC, durationSec));
        double rate = offsetNanos / durationSec;
        if (Math.abs(rate) > MAX_SLEW_NS_PER_SEC) {
            rate = Math.copySign(MAX_SLEW_NS_PER_SEC, rate);
            durationSec = offsetNanos / rate;
        }
        double target = trimNsPerSec + rate;
        target = Math.max(-SystemClock.MAX_FREQUENCY_NS_PER_SEC, Math.min(SystemClock.MAX_FREQUENCY_NS_PER_SEC, target));
        setFrequency(monoNanos, target, frequencyNsPerSec);
        slewRateNsPerSec = target - trimNsPerSec;
        slewStartMono = monoNanos;
        double epsilon = slewRateNsPerSec / NANOS_PER_SEC;
        slewEndMono = monoNanos + (long) Math.ceil(durationSec * (1 + epsilon) * NANOS_PER_SEC);
        if (accumulatedSinceMono == Long.MIN_VALUE) {
            accumulatedSinceMono = monoNanos;
        }
        accumulatedNanos += offsetNanos;
        if (Math.abs(accumulatedNanos) >= LOG_NEGLIGIBLE_NANOS) {
            double hours = (monoNanos - accumulatedSinceMono) / 3600e9;
            log.info("accumulated correction " + Seconds.signed(accumulatedNanos) + " s over "
                    + String.format(java.util.Locale.ROOT, "%.2f", hours) + " h; timetrim "
                    + Math.round(trimNsPerSec) + " ns/s");
            accumulatedNanos = 0;
            accumulatedSinceMono = monoNanos;
        }
        log.debug(2, "slewing " + Seconds.signed(offsetNanos) + " s over "
                + String.format(java.util.Locale.ROOT, "%.1f", durationSec) + " s");
    }

    private void setFrequency(long monoNanos, double target, double before) throws ClockException {
        settle(monoNanos);
        slewRateNsPerSec = 0;
        clock.setFrequency(withinKernelRange(target + smearNsPerSec));
        frequencyNsPerSec = target;
        double delta = target - before;
        if (delta != 0) {
            for (ClockChangeListener l : listeners) {
                l.clockChanged(monoNanos, delta, 0);
            }
        }
    }

    /**
     * A slew at rate r (ns/s) runs the monotonic clock fast too, so over a monotonic interval m it
     * moves the clock by r·m/(1 + r/10⁹), not the r·m the listeners booked; tells them the
     * difference for the time since the last settlement (it matters only for fast slews: 8 ms of
     * a 0.1 s slew at 83 333 ppm). Call before using stored samples during a slew.
     */
    public void settle(long monoNanos) {
        if (slewRateNsPerSec == 0 || monoNanos <= slewStartMono) {
            return;
        }
        double elapsedSec = (monoNanos - slewStartMono) / NANOS_PER_SEC;
        double epsilon = slewRateNsPerSec / NANOS_PER_SEC;
        long overBooked = Math.round(slewRateNsPerSec * elapsedSec * epsilon / (1 + epsilon));
        slewStartMono = monoNanos;
        if (overBooked != 0) {
            for (ClockChangeListener l : listeners) {
                l.clockChanged(monoNanos, 0, -overBooked);
            }
        }
    }

    private double clampTrim(double t) {
        double limit = settings.maxDriftNsPerSec();
        if (Math.abs(t) > limit) {
            if (!clampLogged) {
                log.err("frequency correction " + Math.round(t) + " ns/s is beyond -D " + Math.round(limit)
                        + " ns/s; limited to it");
                clampLogged = true;
            }
            return Math.copySign(limit, t);
        }
        return t;
    }
}
