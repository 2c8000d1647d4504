package timeslave.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** StepWatch: realtime − monotonic moves only by steps; ours and the kernel's leap are expected, others' are news. */
class StepWatchTest {
    static final long REAL = 1_780_000_000_000_000_000L;
    static final long MONO = 1_000_000_000_000L;
    static final long S = 1_000_000_000L;

    @Test
    void theFirstLookOnlySetsTheExpectationAndSteadyClocksAreNoNews() {
        StepWatch w = new StepWatch();
        assertEquals(0, w.observe(REAL, MONO, REAL, 0));
        assertEquals(0, w.observe(REAL + 64 * S, MONO + 64 * S, REAL + 64 * S, 0));
        assertEquals(0, w.observe(REAL + 128 * S + 900_000, MONO + 128 * S, REAL + 128 * S + 900_000, 0),
                "0.9 ms is within the 1 ms tolerance");
    }

    @Test
    void aStepOfOursIsExpectedAndSomeoneElsesIsReportedOnce() {
        StepWatch w = new StepWatch();
        w.observe(REAL, MONO, REAL, 0);
        w.ownStep(-2 * S);
        assertEquals(0, w.observe(REAL + 8 * S, MONO + 10 * S, REAL + 8 * S, 0), "our own -2 s step");
        assertEquals(S / 2, w.observe(REAL + 18 * S + S / 2, MONO + 20 * S, REAL + 18 * S + S / 2, 0), "someone's +0.5 s");
        assertEquals(0, w.observe(REAL + 28 * S + S / 2, MONO + 30 * S, REAL + 28 * S + S / 2, 0), "reported once");
        assertEquals(-5_000_000, w.observe(REAL + 38 * S + S / 2 - 5_000_000, MONO + 40 * S,
                REAL + 38 * S + S / 2 - 5_000_000, 0), "-5 ms is beyond the tolerance");
    }

    @Test
    void theKernelsLeapSecondIsNoNewsButOnlyWhenArmed() {
        StepWatch w = new StepWatch();
        w.observe(REAL, MONO, REAL, 0);
        assertEquals(0, w.observe(REAL + 9 * S, MONO + 10 * S, REAL + 9 * S, -S), "inserted second");
        assertEquals(-S, w.observe(REAL + 18 * S, MONO + 20 * S, REAL + 18 * S, 0), "the same without a leap armed");
    }

    @Test
    void slowReadingsWidenTheTolerance() {
        StepWatch w = new StepWatch();
        w.observe(REAL, MONO, REAL, 0);
        // the two real-time readings 4 ms apart: the monotonic one lies between them
        assertEquals(0, w.observe(REAL + 10 * S, MONO + 10 * S + 2_000_000, REAL + 10 * S + 4_000_000, 0));
        assertEquals(0, w.observe(REAL + 20 * S + 2_500_000, MONO + 20 * S, REAL + 20 * S + 2_500_000 + 4_000_000, 0),
                "4.5 ms off, but the readings allow 1 + 4 ms");
    }
}
