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
 */
public record Settings(long rateNanos, long maxDriftNsPerSec, long initDriftNsPerSec, boolean measureOnly,
                       boolean serial, long stepThresholdNanos, long seed) {

    /** -r default: 3 min 30 s. */
    public static final long DEFAULT_RATE_NANOS = 210_000_000_000L;
    /** -D default: 1 %, as the manual says. */
    public static final long DEFAULT_MAX_DRIFT_NS_PER_SEC = 10_000_000L;
    /** Step threshold default: ntpd's 0.128 s. */
    public static final long DEFAULT_STEP_THRESHOLD_NANOS = 128_000_000L;

    public static Settings defaults() {
        return new Settings(DEFAULT_RATE_NANOS, DEFAULT_MAX_DRIFT_NS_PER_SEC, 0, false, false,
                DEFAULT_STEP_THRESHOLD_NANOS, 1);
    }

    public Settings withRateNanos(long v) {
        return new Settings(v, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed);
    }

    public Settings withMaxDriftNsPerSec(long v) {
        return new Settings(rateNanos, v, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, seed);
    }

    public Settings withInitDriftNsPerSec(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, v, measureOnly, serial, stepThresholdNanos, seed);
    }

    public Settings withMeasureOnly(boolean v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, v, serial, stepThresholdNanos, seed);
    }

    public Settings withSerial(boolean v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, v, stepThresholdNanos, seed);
    }

    public Settings withStepThresholdNanos(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, v, seed);
    }

    public Settings withSeed(long v) {
        return new Settings(rateNanos, maxDriftNsPerSec, initDriftNsPerSec, measureOnly, serial, stepThresholdNanos, v);
    }
}
