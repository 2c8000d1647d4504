package timeslave.core;

import timeslave.time.Sample;
import org.junit.jupiter.api.Test;
import timeslave.time.LeapSeconds;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leap planner as a timeline: what reaches the kernel, the discipline and the log, and when. */
class LeapPlannerTest {
    /** 2017-01-01T00:00:00Z, the last real leap (TAI − UTC 36 → 37). */
    static final long Y2017 = 1_483_228_800L;
    /** An invented leap at 2027-01-01T00:00:00Z. */
    static final long L = 1_798_761_600L;
    static final long DAY = 86_400;
    static final long S = 1_000_000_000L;

    private final Fakes.Clock clock = new Fakes.Clock();
    private final Fakes.Lines log = new Fakes.Lines();

    static LeapPlanner.Table table(int sign, long expiresSec) {
        return new LeapPlanner.Table(LeapSeconds.of(L - 200 * DAY, expiresSec,
                List.of(new LeapSeconds.Entry(Y2017, 37), new LeapSeconds.Entry(L, 37 + sign))), "leap-seconds.list");
    }

    private LeapPlanner planner(Settings.Leap mode) {
        return new LeapPlanner(mode, clock, new Discipline(Settings.defaults(), clock, log, 0, false, List.of()), log);
    }

    private long poll(LeapPlanner p, LeapPlanner.Table t) {
        return p.poll(t, clock.realtime, clock.mono);
    }

    private void at(long posixNanos) {
        clock.mono += posixNanos - clock.realtime;
        clock.realtime = posixNanos;
    }

    @Test
    void kernelArmedOnlyDuringTheLastDayThenCleared() {
        LeapPlanner p = planner(Settings.Leap.KERNEL);
        LeapPlanner.Table t = table(+1, L + 180 * DAY);
        at((L - 2 * DAY) * S);
        long wake = poll(p, t);
        assertEquals(List.of(), clock.writes);
        assertEquals(clock.mono + DAY * S, wake, "wakes when the last day begins");
        at((L - DAY) * S);
        poll(p, t);
        poll(p, t);
        at(L * S - 1);
        poll(p, t);
        assertEquals(List.of("leap INSERT"), clock.writes);
        assertEquals(List.of("NOTICE leap second insert at 2026-12-31T23:59:60Z announced to the kernel"), log.lines);
        at((L - 1) * S);  // the repeated second, after the kernel stepped back
        poll(p, t);
        assertEquals(List.of("leap INSERT"), clock.writes);
        at(L * S + 1);
        poll(p, t);
        poll(p, t);
        assertEquals(List.of("leap INSERT", "leap NONE"), clock.writes);
        assertEquals("INFO leap second insert at 2026-12-31T23:59:60Z passed; kernel leap state cleared", log.lines.get(1));
        assertEquals(2, log.lines.size());
    }

    @Test
    void kernelDeleteNamesTheSkippedSecond() {
        LeapPlanner p = planner(Settings.Leap.KERNEL);
        at((L - 3_600) * S);
        poll(p, table(-1, L + 180 * DAY));
        assertEquals(List.of("leap DELETE"), clock.writes);
        assertEquals(List.of("NOTICE leap second delete at 2026-12-31T23:59:59Z announced to the kernel"), log.lines);
    }

    @Test
    void kernelDisarmedWhenTheTableNoLongerListsTheLeap() {
        LeapPlanner p = planner(Settings.Leap.KERNEL);
        at((L - 3_600) * S);
        poll(p, table(+1, L + 180 * DAY));
        LeapPlanner.Table without = new LeapPlanner.Table(LeapSeconds.of(L - 100 * DAY, L + 180 * DAY,
                List.of(new LeapSeconds.Entry(Y2017, 37))), "leap-seconds.list");
        poll(p, without);
        poll(p, null);
        assertEquals(List.of("leap INSERT", "leap NONE"), clock.writes);
        assertEquals("NOTICE leap second insert at 2026-12-31T23:59:60Z withdrawn from the kernel: no longer in the "
                + "leap-seconds file", log.lines.get(1));
    }

    @Test
    void expiredTableWarnsOnceAndArmsNothing() {
        LeapPlanner p = planner(Settings.Leap.KERNEL);
        LeapPlanner.Table t = new LeapPlanner.Table(LeapSeconds.of(L - 400 * DAY, L - 200 * DAY,
                List.of(new LeapSeconds.Entry(Y2017, 37))), "/etc/timeslave/leap-seconds.list");
        for (long sec = L - 2 * DAY; sec < L + 2 * DAY; sec += 3_600) {
            at(sec * S);
            poll(p, t);
        }
        assertEquals(List.of(), clock.writes);
        assertEquals(List.of("WARNING leap-seconds file /etc/timeslave/leap-seconds.list expired on 2026-06-15; "
                + "no leap seconds will be announced"), log.lines);
    }

    @Test
    void ignoreAndNoTableDoNothing() {
        at((L - 3_600) * S);
        LeapPlanner ignore = planner(Settings.Leap.IGNORE);
        assertEquals(Long.MAX_VALUE, poll(ignore, table(+1, L + 180 * DAY)));
        LeapPlanner none = planner(Settings.Leap.KERNEL);
        assertEquals(Long.MAX_VALUE, poll(none, null));
        Sample s = new Sample("x", clock.mono, clock.realtime, 5, 10, 10);
        assertSame(s, ignore.smeared(s));
        assertEquals(123L, ignore.measureNotBefore(123L, clock.realtime, clock.mono));
        assertEquals(List.of(), clock.writes);
        assertEquals(List.of(), log.lines);
    }

    @Test
    void noMeasurementStartsNearTheLeap() {
        LeapPlanner p = planner(Settings.Leap.KERNEL);
        at((L - 3_600) * S);
        poll(p, table(+1, L + 180 * DAY));
        long mono = clock.mono;
        long after = mono + 3_600 * S + LeapPlanner.QUIET_AFTER_NANOS;
        assertEquals(after, p.measureNotBefore(mono + 3_600 * S - 60 * S, clock.realtime, mono));
        assertEquals(after, p.measureNotBefore(mono + 3_600 * S, clock.realtime, mono));
        long early = mono + 3_600 * S - LeapPlanner.QUIET_BEFORE_NANOS - 1;
        assertEquals(early, p.measureNotBefore(early, clock.realtime, mono));
        assertEquals(after, p.measureNotBefore(after, clock.realtime, mono));
    }

    @Test
    void aMeasurementReachingIntoTheQuietWindowIsCaught() {
        LeapPlanner p = planner(Settings.Leap.SMEAR);
        at((L - 3_600) * S);
        poll(p, table(+1, L + 180 * DAY));
        long quietFrom = L * S - LeapPlanner.QUIET_BEFORE_NANOS;
        assertFalse(p.reachedQuietWindow(quietFrom - 20 * S, 20 * S - 1));
        assertTrue(p.reachedQuietWindow(quietFrom - 20 * S, 20 * S));
        assertTrue(p.reachedQuietWindow(L * S - S, 0), "started inside the window (at start-up)");
        assertFalse(p.reachedQuietWindow(L * S + LeapPlanner.QUIET_AFTER_NANOS, 60 * S));
        assertFalse(planner(Settings.Leap.IGNORE).reachedQuietWindow(L * S - S, 2 * S));
    }

    @Test
    void smearIsHalfASecondAtTheLeapAndZeroAtTheWindowsEnds() {
        LeapPlanner.Leap insert = new LeapPlanner.Leap(L, +1);
        LeapPlanner.Leap delete = new LeapPlanner.Leap(L, -1);
        long w0 = (L - 43_200) * S;
        long w1 = (L + 43_200) * S;
        assertEquals(0, LeapPlanner.smearNanos(insert, w0 - S));
        assertEquals(0, LeapPlanner.smearNanos(insert, w0));
        assertEquals(0, LeapPlanner.smearNanos(insert, w1));
        assertEquals(0, LeapPlanner.smearNanos(delete, w1));
        // 43 199 of 86 401 s into the window, just before; 43 201 of them just after (the repeated second).
        assertEquals(Math.round(-43_199e9 / 86_401), LeapPlanner.smearNanos(insert, (L - 1) * S));
        assertEquals(Math.round((1 - 43_201.0 / 86_401) * 1e9), LeapPlanner.smearNanos(insert, L * S));
        assertEquals(Math.round(43_199e9 / 86_399), LeapPlanner.smearNanos(delete, (L - 1) * S));
        assertEquals(Math.round(-(1 - 43_199.0 / 86_399) * 1e9), LeapPlanner.smearNanos(delete, L * S));
        assertEquals(-1e9 / 86_401, LeapPlanner.smearRateNsPerSec(insert), 1e-9);
        assertEquals(1e9 / 86_399, LeapPlanner.smearRateNsPerSec(delete), 1e-9);
    }

    @Test
    void smearFedForwardOverTheWindowNeverArmsTheKernel() {
        LeapPlanner p = planner(Settings.Leap.SMEAR);
        LeapPlanner.Table t = table(+1, L + 180 * DAY);
        at((L - DAY) * S);
        long wake = poll(p, t);
        assertEquals(clock.mono + 43_200 * S, wake, "wakes when the smear starts");
        Sample s = new Sample("x", clock.mono, clock.realtime, 1_000, 10, 10);
        assertSame(s, p.smeared(s));
        at((L - 43_200) * S);
        poll(p, t);
        assertEquals(List.of("frequency -11574"), clock.writes);
        assertEquals(List.of("NOTICE leap second smear from 2026-12-31T12:00:00Z to 2027-01-01T12:00:00Z "
                + "(insert at 2026-12-31T23:59:60Z)"), log.lines);
        at((L - 1) * S - 1_000);
        poll(p, t);
        Sample before = p.smeared(new Sample("x", clock.mono, clock.realtime, 1_000, 10, 10));
        assertEquals(1_000 + LeapPlanner.smearNanos(new LeapPlanner.Leap(L, 1), (L - 1) * S), before.offsetNanos());
        at((L + 43_200) * S);
        poll(p, t);
        poll(p, t);
        assertEquals(List.of("frequency -11574", "frequency 0"), clock.writes);
        assertEquals("INFO leap second smear ended", log.lines.get(1));
        assertEquals(2, log.lines.size());
    }

    @Test
    void aKernelThatRefusesIsLoggedOnceAndRetried() {
        Fakes.Clock refusing = new Fakes.Clock();
        LeapPlanner p = new LeapPlanner(Settings.Leap.KERNEL, refusing, null, log);
        refusing.realtime = (L - 60) * S;
        refusing.leapRefusals = 2;
        LeapPlanner.Table t = table(+1, L + 180 * DAY);
        p.poll(t, refusing.realtime, refusing.mono);
        p.poll(t, refusing.realtime, refusing.mono);
        p.poll(t, refusing.realtime, refusing.mono);
        assertEquals(List.of("leap INSERT"), refusing.writes);
        assertEquals(2, log.lines.size(), log.lines.toString());
        assertTrue(log.lines.get(0).startsWith("ERR cannot set the kernel's leap second state to insert: "));
    }
}
