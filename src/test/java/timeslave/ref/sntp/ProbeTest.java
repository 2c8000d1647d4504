package timeslave.ref.sntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import timeslave.time.MeasurementException;
import timeslave.time.Sample;

class ProbeTest {

    /** 56 years, ns: a clock that booted at 1970 against a master in 2026. */
    private static final long FIFTY_SIX_YEARS_NANOS = 56L * 365 * 86_400 * 1_000_000_000L;

    @Test
    void theMeanOfManyTiedProbesFarOffDoesNotWrap() throws Exception {
        // Eight replies with the same delay (a server sets T3 - T2 as it likes, so ties are easy):
        // all are kept, and summing their offsets in a long wrapped past 9.2e18 ns to a date in 1928.
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            probes.add(new Probe(FIFTY_SIX_YEARS_NANOS + i, 1_000_000, 0, 1_000_000_000L * i, 1_000_000_000L * i));
        }
        Sample s = Probe.reduce("test", probes, 0, 0);
        assertEquals(FIFTY_SIX_YEARS_NANOS + 4, s.offsetNanos(), 1);
    }

    @Test
    void theMeanOfTiedProbesIsTheirAverage() throws Exception {
        List<Probe> probes = List.of(new Probe(-3_000, 2_000, 0, 0, 0), new Probe(-1_000, 2_000, 0, 1, 1),
                new Probe(2_000, 9_000, 0, 2, 2));
        Sample s = Probe.reduce("test", probes, 0, 0);
        assertEquals(-2_000, s.offsetNanos());
        assertEquals(2_000, s.delayNanos());
    }

    @Test
    void aBurstAgainstAMaster50PpmOffAgreesBeforeTheFrequencyIsKnown() throws Exception {
        // -t 4 at 2 s apart: 6 s from first to last, 300 us of drift at 50 ppm against 50 us bounds.
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long t = 2_000_000_000L * i;
            probes.add(new Probe(100_000L * i, 100_000, 0, t, t));
        }
        Sample s = Probe.reduce("test", probes, 0, 0);
        assertEquals(100_000, s.delayNanos());
    }

    @Test
    void aReplyFarBeyondWhatTheClockCouldDriftIsStillRefused() {
        // 1 ms off within 2 s: 500 ppm would allow 1 ms only with no bound at all; with 50 us bounds it cannot.
        List<Probe> probes = List.of(new Probe(0, 100_000, 0, 0, 0), new Probe(0, 100_000, 0, 1_000_000_000L, 1_000_000_000L),
                new Probe(1_200_000, 100_000, 0, 2_000_000_000L, 2_000_000_000L));
        MeasurementException e = assertThrows(MeasurementException.class, () -> Probe.reduce("test", probes, 0, 0));
        assertEquals(MeasurementException.Kind.BAD_REPLY, e.kind);
    }
}
