package timeslave.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import timeslave.time.ClockState;

/** The publish hook the servers and the ClockBound segment read (issue 11). */
class SlavePublishTest {
    private final SlaveTest t = new SlaveTest();

    private List<ClockState> run(Settings settings) throws Exception {
        List<ClockState> seen = new ArrayList<>();
        Slave slave = t.slave(settings, t.new Scripted(), new TimetrimStore.Memory(OptionalLong.empty()), 40);
        slave.publishTo(seen::add);
        slave.run();
        return seen;
    }

    @Test
    void theBoundIsPublishedAfterMeasurementsAndMarkedSynchronisedWhenDisciplining() throws Exception {
        List<ClockState> seen = run(Settings.defaults());
        assertFalse(seen.isEmpty(), "published at least once");
        ClockState last = seen.get(seen.size() - 1);
        assertTrue(last.known());
        assertTrue(last.synchronised(), "the daemon disciplines the clock: " + last);
        assertTrue(last.lo(last.asOfMonoNanos()) <= 0 && last.hi(last.asOfMonoNanos()) >= 0,
                "the scripted master says offset 0, inside the bound: " + last);
        assertTrue(last.halfWidthNanos(last.asOfMonoNanos()) < 1e6, "a tight bound: " + last);
    }

    /**
     * Issue 12: someone else steps the clock +0.5 s between measurements. The daemon says so, withdraws
     * the published bound (servers: unsynchronised; ClockBound: Unknown) and measures at once.
     */
    @Test
    void aStepSomeoneElseMadeWithdrawsTheBoundAtOnce() throws Exception {
        t.clock.stepsAlone = true;
        t.scheduler.externalStepAtWait = 20;
        t.scheduler.externalStepNanos = 500_000_000L;
        List<ClockState> seen = new ArrayList<>();
        Slave slave = t.slave(Settings.defaults(), t.new Scripted(), new TimetrimStore.Memory(OptionalLong.empty()), 40);
        slave.publishTo(seen::add);
        slave.run();
        List<String> foreign = t.log.lines.stream().filter(l -> l.contains("someone else")).toList();
        assertEquals(List.of("WARNING clock stepped by someone else by +0.500000000 s (real time against monotonic);"
                + " resynchronising"), foreign);
        int withdrawn = -1;
        for (int i = 0; i < seen.size(); i++) {
            if (i > 0 && seen.get(i - 1).known() && !seen.get(i).known()) {
                withdrawn = i;
            }
        }
        assertTrue(withdrawn > 0, "a known bound was withdrawn: " + seen);
        assertTrue(seen.get(withdrawn).disrupted(), "as Disrupted, not as never known: " + seen.get(withdrawn));
        assertTrue(seen.get(seen.size() - 1).known(), "and earned again by the next measurements");
    }

    @Test
    void withoutTheClocksWordNothingIsWatched() throws Exception {
        t.scheduler.externalStepAtWait = 20;
        t.scheduler.externalStepNanos = 500_000_000L;
        run(Settings.defaults());
        assertTrue(t.log.lines.stream().noneMatch(l -> l.contains("someone else")), t.log.lines.toString());
    }

    @Test
    void measureOnlyPublishesTheBoundButNeverSynchronised() throws Exception {
        List<ClockState> seen = run(Settings.defaults().withMeasureOnly(true));
        assertFalse(seen.isEmpty());
        assertTrue(seen.stream().allMatch(s -> !s.synchronised()));
        assertTrue(seen.get(seen.size() - 1).known());
    }
}
