package timeslave.os;

import java.time.Instant;
import timeslave.time.TimeSource;

/** The machine's own clocks: CLOCK_REALTIME (Instant.now, ns resolution on JDK 17) and System.nanoTime. */
public final class SystemTime implements TimeSource {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    @Override
    public long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public boolean kernelRealtime() {
        return true;
    }
}
