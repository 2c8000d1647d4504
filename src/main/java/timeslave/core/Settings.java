package timeslave.core;

/**
 * What the core needs from the command line.
 *
 * @param rateNanos            -r: the interval between measurements once the filter is primed
 * @param maxDriftNsPerSec     -D: measurements implying more drift than this are discarded
 * @param initDriftNsPerSec    -i: initial frequency correction when no timetrim is saved
 * @param measureOnly          -m: measure and log, never adjust the clock
 * @param serial               the reference is a serial receiver (-C)
 * @param stepThresholdNanos   offsets beyond this are stepped, not slewed
 * @param seed                 seeds the schedule's random changes (reproducible in the simulator)
 * @param maxRateNanos         longest interval of clockspeed's long-baseline schedule (intervals double
 *                             from rateNanos up to it); 0 for timeslave's own schedule (-r, randomised)
 * @param leap                 what is done about announced leap seconds
 * @param panicNanos           --panic: an offset beyond this is corrected only before the first
 *                             synchronisation, and only once measurements over a minute agree; 0: no limit
 * @param adaptiveMinNanos     --adaptive-rate MIN: the shortest interval of the adaptive schedule; 0: off
 * @param adaptiveMaxNanos     --adaptive-rate MAX: its longest interval; 0: off
 */
public record Settings(long rateNanos, long maxDriftNsPerSec, long initDriftNsPerSec, boolean measureOnly,
                       boolean serial, long stepThresholdNanos, long seed, long maxRateNanos, Leap leap,
                       long panicNanos, long adaptiveMinNanos, long adaptiveMaxNanos) {

    /** What the daemon does about a leap second in the leap-seconds file. */
    public enum Leap {
        /** Arms the kernel clock to insert or delete the second at the end of the UTC day. */
        KERNEL,
        /** Spreads the second over a window around it by slewing, never arming the kernel. */
        SMEAR,
        /** Neither: the leap shows up as an offset to the reference and is slewed or stepped. */
        IGNORE
    }

    /** -r default: 3 min 30 s. */
    public static final long DEFAULT_RATE_NANOS = 210_000_000_000L;
    /** -D default: 1 %, as the manual says. */
    public static final long DEFAULT_MAX_DRIFT_NS_PER_SEC = 10_000_000L;
    /** Step threshold default: ntpd's 0.128 s. */
    public static final long DEFAULT_STEP_THRESHOLD_NANOS = 128_000_000L;
    /** --panic default: ntpd's panic threshold, 1000 s. */
    public static final long DEFAULT_PANIC_NANOS = 1_000_000_000_000L;

    public static Settings defaults() {
        return new Settings(DEFAULT_RATE_NANOS, DEFAULT_MAX_DRIFT_NS_PER_SEC, 0, false, false,
                DEFAULT_STEP_THRESHOLD_NANOS, 1, 0, Leap.KERNEL, DEFAULT_PANIC_NANOS, 0, 0);
    }

    public Settings withRateNanos(long v) {
        return new Settings(v, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed,
                maxRateNanos, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withMaxDriftNsPerSec(long v) {
        return new Settings(rateNanos, v, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed,
                maxRateNanos, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withInitDriftNsPerSec(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, v, measureOnly, serial, stepThresholdNanos, seed,
                maxRateNanos, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withMeasureOnly(boolean v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, v, serial, stepThresholdNanos, seed,
                maxRateNanos, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withSerial(boolean v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, v, stepThresholdNanos, seed,
                maxRateNanos, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withStepThresholdNanos(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, v, seed,
                maxRateNanos, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withSeed(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, v,
                maxRateNanos, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withMaxRateNanos(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed,
                v, leap, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withLeap(Leap v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed,
                maxRateNanos, v, panicNanos, adaptiveMinNanos, adaptiveMaxNanos);
    }

    public Settings withPanicNanos(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed,
                maxRateNanos, leap, v, adaptiveMinNanos, adaptiveMaxNanos);
    }

    /** The adaptive schedule between {@code minNanos} and {@code maxNanos} (0, 0: off). */
    public Settings withAdaptiveRateNanos(long minNanos, long maxNanos) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed,
                maxRateNanos, leap, panicNanos, minNanos, maxNanos);
    }
}
