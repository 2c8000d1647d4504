package timeslave.core;

/**
 * What the filter believes about the local clock at one monotonic instant.
 *
 * @param monoNanos              the instant the estimate refers to
 * @param offsetNanos            reference − local at that instant, ns
 * @param offsetSdNanos          standard error of offsetNanos, ns
 * @param freqNsPerSec           rate at which the offset grows, ns/s, with the frequency correction
 *                               now in force (positive: the clock runs slow and must speed up)
 * @param freqSdNsPerSec         standard error of freqNsPerSec
 * @param skewNsPerSec           a 99.95 % bound on the error of freqNsPerSec (chrony's skew)
 * @param stdDevNanos            scatter of the samples about the fitted line (delay-weighted), ns
 * @param samples                how many samples the fit used
 * @param pathSdNanos            standard deviation of what no two-way exchange can observe, ns: the
 *                               path's asymmetry (including the send and receive latencies inside
 *                               either host), anywhere within ± half the smallest round trip held;
 *                               uniform there, that is (smallest delay)/√12
 */
public record Estimate(long monoNanos, double offsetNanos, double offsetSdNanos, double freqNsPerSec,
                       double freqSdNsPerSec, double skewNsPerSec, double stdDevNanos, int samples,
                       double pathSdNanos) {

    /**
     * The uncertainty the daemon reports (syslog, loopstats, control socket, the kernel's esterror),
     * ns: the fit's own standard error and the path's unobservable asymmetry together. The fit's
     * alone steers the slew ({@link Discipline}): an unknown constant asymmetry is no reason to slew slower.
     */
    public double reportedSdNanos() {
        return Math.hypot(offsetSdNanos, pathSdNanos);
    }
}
