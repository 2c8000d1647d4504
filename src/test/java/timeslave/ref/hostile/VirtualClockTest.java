package timeslave.ref.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The hostile suite's clock runs at the frequency the daemon sets: the daemon slews and trims only
 * through {@code setFrequency}, so a clock that ignored it let the suite's "never slewed" check pass
 * whatever a hostile reference made the daemon do.
 */
class VirtualClockTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void theFrequencySetMovesTheLocalClockAndIsCounted() {
        VirtualClock c = VirtualClock.virtual(1_780_000_000L * SECOND);
        long mono0 = c.monotonicNanos();
        c.setFrequency(1_000_000);          // 1000 ppm fast
        c.advanceTo(mono0 + 10 * SECOND);
        assertEquals(10_000_000, c.realtimeNanos() - c.trueNanos(), "10 s at 1000 ppm");
        assertEquals(-10_000_000, c.trueOffsetNanos());
        c.setFrequency(-1_000_000);
        c.advanceTo(mono0 + 15 * SECOND);
        assertEquals(5_000_000, c.realtimeNanos() - c.trueNanos());
        assertEquals(10_000_000, c.maxMovedByFrequencyNanos(), "the farthest it went, not where it ended");
    }

    @Test
    void stepsAddToTheFrequencysMovement() {
        VirtualClock c = VirtualClock.virtual(1_780_000_000L * SECOND);
        long mono0 = c.monotonicNanos();
        c.step(-3 * SECOND);
        c.setFrequency(500_000);
        c.advanceTo(mono0 + 2 * SECOND);
        assertEquals(-3 * SECOND + 1_000_000, c.realtimeNanos() - c.trueNanos());
    }
}
