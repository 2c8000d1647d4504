package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import timeslave.ref.sntp.Probe;
import timeslave.time.MeasurementException;
import timeslave.time.Sample;

/**
 * Fuzzes the last pure step of the SNTP and TAICLOCK decode path, a burst of probes reduced to one
 * sample ({@link Probe#reduce}): there is no pure "reply bytes → sample" function (the references
 * read a socket), so the probes take every value a decoded reply can give (offsets within the half
 * era of 2^31 s that the era rule allows, delays up to IRIX's 40 s probe wait, server error up to
 * a 2^10 s precision plus 1.5 s root distance, up to IRIX's 200 probes; half the bursts agree to within
 * a second, as an honest server's do, wherever in the era). The outcome is a sample or a
 * {@link MeasurementException}; a sample lies within the kept probes' offsets, its bound is at least
 * each kept probe's own, and wherever the kept probes' intervals all overlap (where the truth is when
 * the server is honest) the sample's bound reaches it.
 */
class ProbeReduceFuzzTest {
    private static final long NANOS = 1_000_000_000L;
    private static final long HALF_ERA_NANOS = (1L << 31) * NANOS;

    @FuzzTest
    void reduce(FuzzedDataProvider data) {
        long slack = data.consumeLong(0, NANOS);
        long resolution = data.consumeLong(0, NANOS);
        int n = data.consumeInt(1, 200);
        // Half the bursts are honest-looking: one offset, each probe within a second of it.
        boolean honest = data.consumeBoolean();
        long center = data.consumeLong(-HALF_ERA_NANOS + NANOS, HALF_ERA_NANOS - NANOS);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long offset = honest ? center + data.consumeLong(-NANOS, NANOS) : data.consumeLong(-HALF_ERA_NANOS, HALF_ERA_NANOS);
            probes.add(new Probe(offset, data.consumeLong(0, 40 * NANOS), data.consumeLong(1, 1_026 * NANOS),
                    data.consumeLong(), data.consumeLong()));
        }
        Sample s;
        try {
            s = Probe.reduce("fuzz", probes, slack, resolution);
        } catch (Exception e) {   // Exception, not MeasurementException: reduce may declare it or not
            if (!(e instanceof MeasurementException)) {
                throw new AssertionError("reduce threw " + e, e);
            }
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            return;
        }
        long best = probes.stream().mapToLong(Probe::delayNanos).min().orElseThrow();
        List<Probe> kept = probes.stream().filter(p -> p.delayNanos() <= best + slack).toList();
        long min = kept.stream().mapToLong(Probe::offsetNanos).min().orElseThrow();
        long max = kept.stream().mapToLong(Probe::offsetNanos).max().orElseThrow();
        // The mean is taken in double: beyond 2^53 ns (104 days) it may round by one ulp of the offset.
        long ulp = (long) Math.max(Math.ulp((double) min), Math.ulp((double) max));
        assertTrue(s.offsetNanos() >= min - ulp && s.offsetNanos() <= max + ulp,
                "offset " + s.offsetNanos() + " outside the kept probes' [" + min + ", " + max + "] (" + kept.size() + " kept)");
        assertTrue(s.delayNanos() == best, "delay " + s.delayNanos() + ", least " + best);
        long low = Long.MIN_VALUE;
        long high = Long.MAX_VALUE;
        for (Probe p : kept) {
            long own = (p.delayNanos() + 1) / 2 + p.extraErrorNanos();
            assertTrue(s.errorNanos() >= own, "bound " + s.errorNanos() + " narrower than a kept probe's own " + p);
            low = Math.max(low, p.offsetNanos() - own - resolution);
            high = Math.min(high, p.offsetNanos() + own + resolution);
        }
        if (low <= high) {
            for (long truth : new long[] {low, high}) {
                assertTrue(Math.abs(s.offsetNanos() - truth) <= s.errorNanos() + ulp, "sample " + s.offsetNanos()
                        + " ± " + s.errorNanos() + " misses " + truth + ", where every kept probe's interval holds");
            }
        }
    }
}
