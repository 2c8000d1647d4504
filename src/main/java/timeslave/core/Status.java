package timeslave.core;

import java.util.List;
import java.util.Map;

/**
 * A read-only snapshot of what the daemon knows, published by {@link Slave} after every measurement
 * to a {@link StatusListener}: what timeslave-ctl, the metrics endpoint and the statistics files show.
 * Offsets are reference − local; NaN where nothing is known yet.
 *
 * @param monoNanos               monotonic time of the snapshot
 * @param realtimeNanos           local POSIX time of the snapshot
 * @param reference               the reference's name (several masters: their names joined by commas)
 * @param measureOnly             -m: nothing is adjusted
 * @param synchronised            a good measurement was had and the error bound is known and below 16 s
 * @param lastUpdateRealtimeNanos local POSIX time of the newest good measurement, 0 before the first
 * @param lastOffsetNanos         the newest measurement's offset
 * @param rmsOffsetNanos          root mean square of the measured offsets so far (as chronyc's "RMS offset")
 * @param estimateOffsetNanos     the filter's offset estimate at the newest measurement, before the clock was corrected
 * @param offsetSdNanos           its standard error, the path's unobservable asymmetry included ({@link Estimate#reportedSdNanos})
 * @param frequencyNsPerSec       the filter's residual frequency error, ns/s (positive: the clock runs slow)
 * @param timetrimNsPerSec        the timetrim in force (under -m: that would be), ns/s
 * @param skewNsPerSec            the bound on the frequency error, ns/s
 * @param errorBoundNanos         largest |offset| possible now (the error bound), +∞ when unknown
 * @param boundLoNanos            lowest possible offset now, −∞ when unknown
 * @param boundHiNanos            highest possible offset now, +∞ when unknown
 * @param boundGrowthNsPerSec     how fast each edge of the bound widens, ns/s
 * @param intervalNanos           wait until the next measurement
 * @param goodMeasurements        measurements used so far
 * @param failedMeasurements      measurements that failed (no sample at all)
 * @param steps                   clock steps made (or, under -m, none)
 * @param rejected                samples the filter refused, by reason ("spike", "drift", "bound", "jump", "leap_window")
 * @param sources                 every master, in the order given
 */
public record Status(long monoNanos, long realtimeNanos, String reference, boolean measureOnly, boolean synchronised,
                     long lastUpdateRealtimeNanos, double lastOffsetNanos, double rmsOffsetNanos,
                     double estimateOffsetNanos, double offsetSdNanos, double frequencyNsPerSec,
                     double timetrimNsPerSec, double skewNsPerSec, double errorBoundNanos, double boundLoNanos,
                     double boundHiNanos, double boundGrowthNsPerSec, long intervalNanos, long goodMeasurements,
                     long failedMeasurements, long steps, Map<String, Long> rejected, List<Source> sources) {

    /** The reasons a sample is refused, in the order they are shown. */
    public static final List<String> REJECT_REASONS = List.of("spike", "drift", "bound", "jump", "leap_window");

    /**
     * One master as of its newest measurement.
     *
     * @param name                 as given on the command line ("sntp:127.0.0.1:123", "/dev/ttyd2")
     * @param reach                the last 8 measurements, newest in bit 0: 1 answered (ntpd's reach register)
     * @param state                "selected" (its sample was used), "falseticker" (answered but left out),
     *                             "unreachable" (2 or more measurements in a row failed), "failed" (the newest
     *                             failed), "none" (not measured yet)
     * @param offsetNanos          its newest sample's offset, NaN if none
     * @param errorNanos           that sample's error bound
     * @param delayNanos           that sample's round-trip delay
     * @param sampleRealtimeNanos  local POSIX time of that sample, 0 if none
     * @param lastFailure          why its newest failed measurement failed, "" if none
     * @param samples              samples it gave
     * @param failures             measurements in which it gave none
     * @param falsetickers         samples it gave that the selection left out
     */
    public record Source(String name, int reach, String state, double offsetNanos, double errorNanos,
                         double delayNanos, long sampleRealtimeNanos, String lastFailure, long samples, long failures,
                         long falsetickers) {
    }
}
