package timeslave.core;

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

    @Test
    void measureOnlyPublishesTheBoundButNeverSynchronised() throws Exception {
        List<ClockState> seen = run(Settings.defaults().withMeasureOnly(true));
        assertFalse(seen.isEmpty());
        assertTrue(seen.stream().allMatch(s -> !s.synchronised()));
        assertTrue(seen.get(seen.size() - 1).known());
    }
}
