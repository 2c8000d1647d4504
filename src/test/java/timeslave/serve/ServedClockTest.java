package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import timeslave.time.ClockState;
import timeslave.time.LeapSeconds;

/** What the servers take from the daemon's published state. */
class ServedClockTest {
    static final long S = 1_000_000_000L;
    /** 2016-12-31T12:00:00Z: the day ending with the last inserted leap second. */
    static final long LEAP_DAY_NOON = 1_483_185_600L * S;

    static LeapSeconds table() throws Exception {
        return LeapSeconds.load(Path.of("etc/leap-seconds.list"));
    }

    static ClockState synced(long mono, double lo, double hi) {
        return new ClockState(true, mono, lo, hi, 0, 15_000);
    }

    @Test
    void theServedTimeIsTheLocalClockPlusTheCentreOfTheBound() {
        FakeTime t = new FakeTime(1_700_000_000L * S, 50 * S);
        ServedClock c = new ServedClock(t, ServedClock.Upstream.primary(1), null, false, -20);
        assertEquals(t.real, c.servedNanos(t.real, t.mono), "nothing known: the local clock");
        c.clockState(new ClockState(false, t.mono, 2_400_000_000.0, 2_600_000_000.0, 0, 0));
        assertEquals(t.real + 2_500_000_000L, c.servedNanos(t.real, t.mono));
    }

    @Test
    void rfc868AndTaiclockAnswerOnlyWhileSynchronisedUnlessToldOtherwise() {
        FakeTime t = new FakeTime(1_700_000_000L * S, 50 * S);
        ServedClock strict = new ServedClock(t, ServedClock.Upstream.primary(1), null, false, -20);
        ServedClock always = new ServedClock(t, ServedClock.Upstream.primary(1), null, true, -20);
        assertFalse(strict.answers(t.mono));
        assertFalse(always.answers(t.mono), "nothing to serve before the first bound");
        always.clockState(new ClockState(false, t.mono, -1e6, 1e6, 0, 15_000));
        assertTrue(always.answers(t.mono));
        strict.clockState(synced(t.mono, -1e6, 1e6));
        assertTrue(strict.answers(t.mono));
        assertFalse(strict.answers(t.mono + 1_100_000 * S), "after 12 days unheard at 15 ppm the bound passes 16 s");
        strict.clockState(new ClockState(false, t.mono, -1e6, 1e6, 0, 15_000));
        assertFalse(strict.answers(t.mono), "-m: never synchronised");
    }

    @Test
    void ntpHeaderCarriesStratumReferenceAndTheBound() {
        FakeTime t = new FakeTime(1_700_000_000L * S, 50 * S);
        int[] upstreamStratum = {2};
        ServedClock c = new ServedClock(t, new ServedClock.Upstream(() -> upstreamStratum[0], 0x0A000001), null, false, -20);
        NtpServerCodec.Header unsync = c.ntpHeader(t.real, t.mono);
        assertEquals(3, unsync.leap());
        assertEquals(16, unsync.stratum());
        c.clockState(synced(t.mono, -1_000_000, 3_000_000));
        NtpServerCodec.Header h = c.ntpHeader(t.real, t.mono);
        assertEquals(0, h.leap());
        assertEquals(3, h.stratum(), "upstream + 1");
        assertEquals(0x0A000001, h.referenceId());
        assertEquals(0, h.rootDelay16());
        long halfWidthPlusPrecision = NtpServerCodec.nanosToShort(2_000_000 + 953.67431640625);
        assertEquals(halfWidthPlusPrecision, h.rootDispersion16());
        upstreamStratum[0] = 15;
        assertEquals(15, c.ntpHeader(t.real, t.mono).stratum(), "never above 15 while synchronised");
    }

    @Test
    void theLeapIndicatorComesFromTheTableOnTheLastDayOnly() throws Exception {
        FakeTime t = new FakeTime(LEAP_DAY_NOON, 50 * S);
        ServedClock c = new ServedClock(t, ServedClock.Upstream.primary(1), table(), false, -20);
        c.clockState(synced(t.mono, -1e6, 1e6));
        assertEquals(1, c.ntpHeader(t.real, t.mono).leap(), "2016-12-31 ends with 23:59:60");
        assertEquals(0, c.ntpHeader(t.real - 86_400 * S, t.mono).leap(), "not the day before");
        assertEquals(0, c.ntpHeader(t.real + 86_400 * S, t.mono).leap(), "not the day after");
        assertEquals(0, ServedClock.leapIndicatorForDay(null, 17_166));
        assertEquals(1, ServedClock.leapIndicatorForDay(table(), 17_166));
        assertEquals(37, c.taiMinusUtcSeconds(t.real + 86_400 * S).getAsInt());
    }
}
