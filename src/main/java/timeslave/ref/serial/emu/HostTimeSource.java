package timeslave.ref.serial.emu;

import java.time.Clock;
import java.time.Instant;
import timeslave.time.TimeSource;

/**
 * The JVM's view of this host's clocks (CLOCK_REALTIME through {@link Clock#systemUTC()},
 * CLOCK_MONOTONIC through {@link System#nanoTime()}), for the receiver emulator and for tests
 * that run a reference against it; the daemon itself gets its TimeSource from {@code os}.
 */
public final class HostTimeSource implements TimeSource {

    private final Clock clock = Clock.systemUTC();

    @Override
    public long realtimeNanos() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }
}
