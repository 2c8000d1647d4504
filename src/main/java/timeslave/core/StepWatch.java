package timeslave.core;

/**
 * Notices a step of the clock that the daemon did not make. CLOCK_MONOTONIC runs at the same
 * disciplined rate as CLOCK_REALTIME (frequency and slews move both), so their difference
 * realtime − monotonic changes only when the clock is stepped: by us ), by the kernel at a leap second it was asked to insert or delete, or by
 * someone else (date -s, another time daemon, a hypervisor's resume). Our own steps are told through
 * {@link #ownStep}. A change beyond
 * {@link #MIN_FOREIGN_STEP_NANOS} plus the uncertainty of the readings is someone else's step.
 */
public final class StepWatch {
    /**
     * The smallest foreign step reported, ns: far above the reading uncertainty of a loaded host (the
     * readings straddle one monotonic one, tens of µs apart at worst) and far below the 128 ms step
     * threshold, so any step that matters to the estimate is seen.
     */
    public static final long MIN_FOREIGN_STEP_NANOS = 1_000_000;

    private boolean known;
    /** What realtime − monotonic should read, ns. */
    private long expectedNanos;

    /** Our own step, ns forward: the expectation moves with it (slews and trims move both clocks alike). */
    public void ownStep(long stepNanos) {
        expectedNanos += stepNanos;
    }

    /**
     * Compares readings taken in the order realtime, monotonic, realtime with the expectation, then
     * expects what they show.
     *
     * @param kernelLeapNanos a change the kernel may just have made at a leap second (−1 s inserted,
     *                        +1 s deleted) and is not news; 0 when none was armed
     * @return the unexplained change of realtime − monotonic, ns (positive: the clock was set forward),
     *         or 0 when there is none beyond the tolerance
     */
    public long observe(long realBeforeNanos, long monoNanos, long realAfterNanos, long kernelLeapNanos) {
        long uncertainty = Math.max(0, realAfterNanos - realBeforeNanos);
        long now = realBeforeNanos + uncertainty / 2 - monoNanos;
        long change = now - expectedNanos;
        boolean first = !known;
        known = true;
        expectedNanos = now;
        long tolerance = MIN_FOREIGN_STEP_NANOS + uncertainty;
        if (first || Math.abs(change) <= tolerance
                || kernelLeapNanos != 0 && Math.abs(change - kernelLeapNanos) <= tolerance) {
            return 0;
        }
        return change;
    }
}
