package timeslave.core;

import timeslave.time.Sample;
import org.junit.jupiter.api.Test;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.time.Scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main loop with hand-written fakes: a frozen clock that the scheduler moves, a scripted reference. */
class SlaveTest {
    static final long SEC = 1_000_000_000L;

    final Fakes.Clock clock = new Fakes.Clock();
    final Fakes.Lines log = new Fakes.Lines();

    /** Moves the fake clock to each deadline; stops the slave after {@code waits} waits. */
    final class FakeScheduler implements Scheduler {
        int waits;
        int limit;
        Slave slave;

        @Override
        public boolean waitUntil(long deadline) {
            if (++waits >= limit) {
                slave.stop();
                return true;
            }
            long d = Math.max(deadline - clock.mono, 0);
            clock.mono += d;
            clock.realtime += d;
            return false;
        }

        @Override
        public void wake() {
        }
    }

    /** Replies with offset 0 and a fixed delay, except while {@code silent} says otherwise. */
    final class Scripted implements Reference {
        final List<Boolean> silent = new ArrayList<>();
        boolean ownHealth;
        int calls;

        @Override
        public boolean reportsOwnHealth() {
            return ownHealth;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Sample measure() throws MeasurementException {
            boolean quiet = calls < silent.size() && silent.get(calls);
            calls++;
            if (quiet) {
                throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no reply to 4 probes");
            }
            return new Sample("fake", clock.mono, clock.realtime, 0, 200_000, 100_000);
        }
    }

    Slave slave(Settings settings, Reference ref, TimetrimStore.Memory store, int waits) {
        FakeScheduler s = new FakeScheduler();
        s.limit = waits;
        Slave slave = new Slave(settings, ref, clock, s, log, store, new SplittableRandom(1));
        s.slave = slave;
        return slave;
    }

    @Test
    void restoredTimetrimIsAppliedAndLoggedAtStart() throws Exception {
        TimetrimStore.Memory store = new TimetrimStore.Memory(OptionalLong.of(-12_345));
        slave(Settings.defaults(), new Scripted(), store, 1).run();
        assertEquals("frequency -12345", clock.writes.get(0));
        assertTrue(log.lines.contains("INFO timetrim -12345 ns/s restored"), log.lines.toString());
    }

    @Test
    void initialDriftIsUsedWithoutASavedTimetrim() throws Exception {
        slave(Settings.defaults().withInitDriftNsPerSec(2_000), new Scripted(), new TimetrimStore.Memory(OptionalLong.empty()), 1).run();
        assertEquals("frequency 2000", clock.writes.get(0));
    }

    @Test
    void measureOnlyNeverWritesTheClockNorTheTimetrim() throws Exception {
        TimetrimStore.Memory store = new TimetrimStore.Memory(OptionalLong.of(-12_345));
        slave(Settings.defaults().withMeasureOnly(true), new Scripted(), store, 40).run();
        assertEquals(List.of(), clock.writes);
        assertEquals(List.of(), store.saves());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("INFO offset +0.000000000 s delay 0.000200000 s")),
                log.lines.toString());
    }

    @Test
    void timetrimIsSavedOncePrimed() throws Exception {
        TimetrimStore.Memory store = new TimetrimStore.Memory(OptionalLong.empty());
        slave(Settings.defaults(), new Scripted(), store, 60).run();
        assertEquals(1, store.saves().size(), "saved " + store.saves());
        assertEquals(0, store.saves().get(0), 2);
    }

    @Test
    void unreachableIsLoggedOnceAndBackOnce() throws Exception {
        Scripted ref = new Scripted();
        ref.silent.add(false);
        for (int i = 0; i < 5; i++) {
            ref.silent.add(true);
        }
        slave(Settings.defaults(), ref, new TimetrimStore.Memory(OptionalLong.empty()), 12).run();
        assertEquals(1, log.lines.stream().filter(l -> l.equals("ERR master fake unreachable: no reply to 4 probes")).count(),
                log.lines.toString());
        assertEquals(1, log.lines.stream().filter(l -> l.equals("NOTICE master fake back")).count(), log.lines.toString());
    }

    @Test
    void eachOutageIsLoggedOnceAndItsEndOnce() throws Exception {
        Scripted ref = new Scripted();
        for (String outcome : "+++-----++++---++".split("")) {
            ref.silent.add(outcome.equals("-"));
        }
        slave(Settings.defaults(), ref, new TimetrimStore.Memory(OptionalLong.empty()), 40).run();
        assertEquals(2, log.lines.stream().filter(l -> l.equals("ERR master fake unreachable: no reply to 4 probes")).count(),
                log.lines.toString());
        assertEquals(2, log.lines.stream().filter(l -> l.equals("NOTICE master fake back")).count(), log.lines.toString());
    }

    /** A serial receiver logs its own outages once ("not answering" ... "working again"): no second line. */
    @Test
    void aReferenceThatReportsItsOwnHealthIsNotRepeated() throws Exception {
        Scripted ref = new Scripted();
        ref.ownHealth = true;
        ref.silent.add(false);
        for (int i = 0; i < 5; i++) {
            ref.silent.add(true);
        }
        slave(Settings.defaults(), ref, new TimetrimStore.Memory(OptionalLong.empty()), 12).run();
        assertTrue(log.lines.stream().noneMatch(l -> l.startsWith("ERR master") || l.startsWith("NOTICE master")),
                log.lines.toString());
    }

    @Test
    void oneLostMeasurementIsNotNews() throws Exception {
        Scripted ref = new Scripted();
        ref.silent.add(false);
        ref.silent.add(true);
        slave(Settings.defaults(), ref, new TimetrimStore.Memory(OptionalLong.empty()), 8).run();
        assertTrue(log.lines.stream().noneMatch(l -> l.contains("unreachable")), log.lines.toString());
    }

    @Test
    void aBrokenReferenceFailsMeasurementsButNotTheDaemon() throws Exception {
        Reference broken = new Reference() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Sample measure() {
                return new Sample("broken", clock.mono, clock.realtime, 0, -5, 1);
            }
        };
        slave(Settings.defaults(), broken, new TimetrimStore.Memory(OptionalLong.empty()), 5).run();
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("ERR master broken unreachable: internal error: "
                + "java.lang.IllegalArgumentException: negative delay -5 ns")), log.lines.toString());
    }

    /**
     * A round of several masters waiting out their timeouts can last longer than the quiet time
     * before a leap second: one that starts 140 s before it and lasts 20 s is discarded (its last
     * members may be a second off), and the next waits until after the leap.
     */
    @Test
    void aMeasurementThatRunsIntoTheLeapSecondsQuietWindowIsDiscarded() throws Exception {
        long leapSec = LeapPlannerTest.L;
        clock.mono += (leapSec - 140) * SEC - clock.realtime;
        clock.realtime = (leapSec - 140) * SEC;
        List<Long> startedAt = new ArrayList<>();
        Reference slowRound = new Reference() {
            @Override
            public String name() {
                return "a,b,c";
            }

            @Override
            public Sample measure() {
                startedAt.add(clock.realtime / SEC - leapSec);
                clock.mono += 20 * SEC;
                clock.realtime += 20 * SEC;
                return new Sample("a+b+c", clock.mono, clock.realtime, 0, 200_000, 100_000);
            }
        };
        Slave slave = slave(Settings.defaults(), slowRound, new TimetrimStore.Memory(OptionalLong.empty()), 3);
        LeapPlanner.Table t = LeapPlannerTest.table(+1, leapSec + 180 * LeapPlannerTest.DAY);
        slave.leapSeconds(t.seconds(), t.file());
        log.level = 1;
        slave.run();
        assertEquals(List.of(-140L, LeapPlanner.QUIET_AFTER_NANOS / SEC), startedAt);
        assertEquals(1, slave.goodMeasurements(), log.lines.toString());
        assertTrue(log.lines.contains("DEBUG measurement from a,b,c discarded: it ran into the quiet window around the "
                + "leap second"), log.lines.toString());
    }

    @Test
    void errorBoundIsPublishedAndHoldsTheTruth() throws Exception {
        Slave s = slave(Settings.defaults(), new Scripted(), new TimetrimStore.Memory(OptionalLong.empty()), 30);
        s.run();
        ErrorBound b = s.errorBound();
        assertTrue(b.known());
        assertTrue(b.lo(clock.mono) <= 0 && b.hi(clock.mono) >= 0, b.toString());
        ErrorBound.Interval i = b.now(clock.realtime, clock.mono);
        assertTrue(i.earliestNanos() <= clock.realtime && clock.realtime <= i.latestNanos());
    }
}
