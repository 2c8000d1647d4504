package timeslave.clockbound;

/**
 * A reusable holder for {@link BoundedClock#read(Reading)}, the allocation-free form of
 * {@link BoundedClock#now()}: POSIX nanoseconds (no leap seconds) and the status. Not thread-safe:
 * one per thread.
 */
public final class Reading {
    long earliestNanos;
    long latestNanos;
    ClockStatus status = ClockStatus.UNKNOWN;

    /** The earliest true time, ns since 1970-01-01T00:00:00Z. */
    public long earliestNanos() {
        return earliestNanos;
    }

    /** The latest true time, ns since 1970-01-01T00:00:00Z. */
    public long latestNanos() {
        return latestNanos;
    }

    public ClockStatus status() {
        return status;
    }

    @Override
    public String toString() {
        return "[" + earliestNanos + ", " + latestNanos + "] " + status;
    }
}
