package timeslave.ref;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * What the command line tells a reference about how to measure. Built by {@code cli}; each
 * reference reads only the fields that concern it.
 *
 * @param minTrials        -t: replies needed for a network measurement
 * @param maxTrials        -T: probes sent at most per measurement
 * @param probeWaitNanos   -w: how long one ICMP/SNTP/TAICLOCK probe may take
 * @param dateWaitNanos    -W: how long the RFC 868 time service may take
 * @param timePort         -p: RFC 868 port (default from /etc/services "time", else 37)
 * @param quiet            -q: hide unreachable-link errors
 * @param clockType        -c: PST_WWV, TRC_WWV or TT600 (canonical spelling)
 * @param forcedYear       -y, or the year of the -P file's mtime under -Y; empty if neither
 * @param leapSecondsFile  leap-seconds.list for TAI sources
 */
public record ReferenceConfig(int minTrials, int maxTrials, long probeWaitNanos, long dateWaitNanos,
                              int timePort, boolean quiet, String clockType, OptionalInt forcedYear,
                              Path leapSecondsFile) {

    /** timeslave's compiled-in defaults (TIMESLAVE-BEHAVIOUR.md §1). */
    public static ReferenceConfig defaults() {
        return new ReferenceConfig(4, 16, 1_000_000_000L, 4_000_000_000L, 37, false, "PST_WWV",
                OptionalInt.empty(), Path.of("/etc/timeslave/leap-seconds.list"));
    }
}
