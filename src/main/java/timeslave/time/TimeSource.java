package timeslave.time;

/**
 * Reads the local clocks; the only way any timeslave code learns what time it is.
 *
 * <p>Production reads the kernel (CLOCK_REALTIME, CLOCK_MONOTONIC); the simulator reads its
 * virtual oscillator. Nothing else calls {@code System.currentTimeMillis()} or {@code Instant.now()}.
 */
public interface TimeSource {

    /** The local real-time clock: nanoseconds since 1970-01-01T00:00:00Z, POSIX scale (no leap seconds). */
    long realtimeNanos();

    /**
     * A monotonic clock for intervals and deadlines: nanoseconds from an arbitrary origin.
     * Never stepped; it runs at the disciplined rate, as CLOCK_MONOTONIC does on Linux.
     */
    long monotonicNanos();

    /**
     * Whether {@link #realtimeNanos} is the kernel's CLOCK_REALTIME itself, so that the kernel's own
     * timestamps (a datagram's SO_TIMESTAMPNS) are on its scale. False for a shifted or simulated clock.
     */
    default boolean kernelRealtime() {
        return false;
    }
}
