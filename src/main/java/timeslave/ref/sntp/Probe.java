package timeslave.ref.sntp;

import java.util.Comparator;
import java.util.List;
import timeslave.time.Sample;

/**
 * One two-way exchange reduced to offset and delay, and the reduction of a burst of them to one
 * {@link Sample} (OpenNTPD's "lowest delay wins"). Shared by the three network references.
 *
 * @param offsetNanos     reference − local, ns
 * @param delayNanos      round trip minus the server's own holding time, ns (≥ 0)
 * @param extraErrorNanos what the server adds to the bound beyond delay/2 (precision, root distance), ns
 * @param localNanos      local real time at the middle of the exchange (POSIX ns)
 * @param monoNanos       local monotonic time at the middle of the exchange
 */
public record Probe(long offsetNanos, long delayNanos, long extraErrorNanos, long localNanos, long monoNanos) {

    /**
     * Reduces a burst to one sample: keeps the probes whose delay is within {@code keepSlackNanos} of
     * the smallest, averages their offsets, and bounds the error by
     * {@code max kept delay/2 + max extra error + resolutionNanos + (max − min kept offset)}:
     * the true offset of a two-way exchange lies within ±delay/2 of the measured one (RFC 5905 §8),
     * widened by the timestamps' resolution and by the disagreement among the kept probes.
     *
     * <p>The local stamps are taken just before the send call and just after the receive call returns,
     * so the time Java spends in those calls only adds to the delay and stays inside delay/2.
     */
    public static Sample reduce(String source, List<Probe> probes, long keepSlackNanos, long resolutionNanos) {
        if (probes.isEmpty()) {
            throw new IllegalArgumentException("no probes to reduce");
        }
        Probe best = probes.stream().min(Comparator.comparingLong(Probe::delayNanos)).orElseThrow();
        List<Probe> kept = probes.stream().filter(p -> p.delayNanos <= best.delayNanos + keepSlackNanos).toList();
        long sum = 0;
        long minOffset = Long.MAX_VALUE;
        long maxOffset = Long.MIN_VALUE;
        long maxDelay = 0;
        long maxExtra = 0;
        for (Probe p : kept) {
            sum += p.offsetNanos;
            minOffset = Math.min(minOffset, p.offsetNanos);
            maxOffset = Math.max(maxOffset, p.offsetNanos);
            maxDelay = Math.max(maxDelay, p.delayNanos);
            maxExtra = Math.max(maxExtra, p.extraErrorNanos);
        }
        long offset = Math.round((double) sum / kept.size());
        long error = (maxDelay + 1) / 2 + maxExtra + resolutionNanos + (maxOffset - minOffset);
        return new Sample(source, best.monoNanos, best.localNanos, offset, best.delayNanos, Math.max(1, error));
    }
}
