package timeslave.ref;

import java.time.Instant;
import timeslave.time.TimeSource;

/** The JDK's real clocks plus a fixed shift, for loopback tests (shiftNanos simulates a wrong local clock). */
public final class WallTime implements TimeSource {
    private final long shiftNanos;

    public WallTime(long shiftNanos) {
        this.shiftNanos = shiftNanos;
    }

    @Override
    public long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() + shiftNanos;
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }
}
