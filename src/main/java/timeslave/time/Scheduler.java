package timeslave.time;

/**
 * The only way the daemon waits. Production sleeps on the monotonic clock; the simulator advances
 * virtual time to the deadline at once, as clknetsim does while a client waits.
 */
public interface Scheduler {

    /**
     * Waits until {@link TimeSource#monotonicNanos()} reaches {@code monotonicDeadlineNanos}, or
     * until {@link #wake()} is called.
     *
     * @return true if woken early by {@link #wake()}, false if the deadline was reached
     */
    boolean waitUntil(long monotonicDeadlineNanos) throws InterruptedException;

    /** Ends the current or the next {@link #waitUntil} early (signals, shutdown). */
    void wake();
}
