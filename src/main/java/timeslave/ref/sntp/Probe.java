package timeslave.ref.sntp;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import timeslave.ref.Agreement;
import timeslave.time.MeasurementException;
import timeslave.time.Sample;

/**
 * One two-way exchange reduced to offset and delay, and the reduction of a burst of them to one
 * {@link Sample} (all must agree, then OpenNTPD's "lowest delay wins"). Shared by the three network references.
 *
 * @param offsetNanos     reference − local, ns
 * @param delayNanos      round trip minus the server's own holding time, ns (≥ 0)
 * @param extraErrorNanos what the server adds to the bound beyond delay/2 (precision, root distance), ns
 * @param localNanos      local real time at the middle of the exchange (POSIX ns)
 * @param monoNanos       local monotonic time at the middle of the exchange
 */
public record Probe(long offsetNanos, long delayNanos, long extraErrorNanos, long localNanos, long monoNanos) {

    /** This probe's interval half-width: the true offset lies within ±delay/2 of the measured one (RFC 5905 §8), widened by the server's own error and the timestamps' resolution. */
    long errorNanos(long resolutionNanos) {
        return (delayNanos + 1) / 2 + extraErrorNanos + resolutionNanos;
    }

    /**
     * A whole burst of a network master, reduced as {@link #reduce} does and told to {@code failures}:
     * a refused burst logs its reason as a failure, a sample logs "SOURCE answers again" after failures.
     *
     * @throws MeasurementException BAD_REPLY when the probes do not all agree
     */
    public static Sample reduceBurst(String source, List<Probe> probes, FailureLog failures)
            throws MeasurementException {
        Sample s;
        try {
            s = reduce(source, probes, 0, 0);
        } catch (MeasurementException e) {
            failures.failed(e.getMessage());
            throw e;
        }
        failures.succeeded(source + " answers again");
        return s;
    }

    /** 1/(500 ppm): a probe's interval widens by its age over this (the kernel's frequency range). */
    static final long BURST_DRIFT_DIVISOR = 2_000;

    /**
     * Reduces a burst to one sample, never letting one probe decide it.
     *
     * <ol>
     * <li>Each probe is an interval offset ± {@link #errorNanos}, widened by 500 ppm of its age at the
     *     newest probe (the local clock's rate is not known yet); an honest server's probes all hold the
     *     truth, so they share a point ({@link Agreement}).
     * <li>Unless all of them do, the burst is refused: "replies from NAME disagree beyond their bounds".
     *     A server that contradicts itself within one burst is not believed for that burst: neither the
     *     lowest-delay probe nor a majority may overrule the rest, so one reply an hour off among good ones,
     *     or two colluding among three, yields no sample rather than a vote.
     * <li>The probes whose delay is within {@code keepSlackNanos} of the smallest are kept (OpenNTPD's
     *     "lowest delay wins"); the sample is their mean offset, bounded by the largest of their own bounds
     *     (each holds the truth, so their mean is within the largest of them).
     * </ol>
     *
     * <p>The local stamps are taken just before the send call and just after the receive call returns,
     * so the time Java spends in those calls only adds to the delay and stays inside delay/2.
     *
     * @throws MeasurementException BAD_REPLY when the probes do not all agree
     */
    public static Sample reduce(String source, List<Probe> probes, long keepSlackNanos, long resolutionNanos)
            throws MeasurementException {
        if (probes.isEmpty()) {
            throw new IllegalArgumentException("no probes to reduce");
        }
        int n = probes.size();
        long[] offsets = new long[n];
        long[] errors = new long[n];
        long last = probes.stream().mapToLong(Probe::monoNanos).max().orElseThrow();
        for (int i = 0; i < n; i++) {
            offsets[i] = probes.get(i).offsetNanos;
            // Each probe's interval, carried to the newest probe's time: the local clock may run up to
            // the kernel's 500 ppm off the master's in between (a burst spans seconds before the
            // frequency is known).
            long age = Math.max(0, last - probes.get(i).monoNanos);
            errors[i] = Agreement.saturatingAdd(probes.get(i).errorNanos(resolutionNanos), age / BURST_DRIFT_DIVISOR);
        }
        boolean[] agree = Agreement.largestAgreeingSet(offsets, errors);
        int agreeing = Agreement.count(agree);
        if (agreeing < n) {
            throw new MeasurementException(MeasurementException.Kind.BAD_REPLY, "replies from " + source
                    + " disagree beyond their bounds: only " + agreeing + " of " + n + " agree (offsets "
                    + seconds(Arrays.stream(offsets).min().orElseThrow()) + " to "
                    + seconds(Arrays.stream(offsets).max().orElseThrow()) + " s)");
        }
        Probe best = probes.stream().min(Comparator.comparingLong(Probe::delayNanos)).orElseThrow();
        List<Probe> kept = probes.stream().filter(p -> p.delayNanos <= best.delayNanos + keepSlackNanos).toList();
        // The mean as the first kept offset plus the mean difference: the offsets themselves may be
        // decades (a clock at 1970), and a sum of several would wrap a long; their differences are
        // within their bounds, which all share a point.
        long base = kept.get(0).offsetNanos;
        double sumDiff = 0;
        long error = 1;
        for (Probe p : kept) {
            sumDiff += p.offsetNanos - base;
            error = Math.max(error, p.errorNanos(resolutionNanos));
        }
        long offset = base + Math.round(sumDiff / kept.size());
        return new Sample(source, best.monoNanos, best.localNanos, offset, best.delayNanos, error);
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%+.9f", nanos / 1e9);
    }
}
