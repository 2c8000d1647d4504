package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.ClockException;
import timeslave.time.SystemClock;

class NullClockTest {
    /** A real-clock stand-in that fails the test if anything writes to it. */
    static final class ReadOnly implements SystemClock {
        @Override
        public long realtimeNanos() {
            return 1_000;
        }

        @Override
        public long monotonicNanos() {
            return 2_000;
        }

        @Override
        public void step(long offsetNanos) {
            throw new AssertionError("step reached the real clock");
        }

        @Override
        public void slew(long offsetNanos) {
            throw new AssertionError("slew reached the real clock");
        }

        @Override
        public void setFrequency(double nsPerSec) {
            throw new AssertionError("setFrequency reached the real clock");
        }

        @Override
        public double frequency() {
            return 4_200.0;
        }

        @Override
        public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) {
            throw new AssertionError("setErrorEstimates reached the real clock");
        }

        @Override
        public void setLeap(Leap leap) {
            throw new AssertionError("setLeap reached the real clock");
        }
    }

    @Test
    void readsPassThroughWritesAreDroppedWithDebugLines() throws ClockException {
        List<String> lines = new ArrayList<>();
        Log log = new Log() {
            @Override
            public void log(Priority p, String m) {
                lines.add(m);
            }

            @Override
            public int debugLevel() {
                return 3;
            }
        };
        NullClock c = new NullClock(new ReadOnly(), log);
        assertEquals(1_000, c.realtimeNanos());
        assertEquals(2_000, c.monotonicNanos());
        assertEquals(4_200.0, c.frequency());
        c.step(5);
        c.slew(6);
        c.setFrequency(-7.0);
        c.setErrorEstimates(8, 9, true);
        c.setLeap(SystemClock.Leap.INSERT);
        assertEquals(-7.0, c.frequency(), "reports what it was asked for");
        assertEquals(List.of("-m: not stepping the clock by 5 ns", "-m: not slewing the clock by 6 ns",
                "-m: not setting the frequency to -7.0 ns/s", "-m: not setting maxerror 8 ns, esterror 9 ns",
                "-m: not arming leap INSERT"), lines);
    }
}
