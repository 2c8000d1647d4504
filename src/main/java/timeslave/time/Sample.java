package timeslave.time;

/**
 * One measurement of the local clock against a reference.
 *
 * <p>offset = reference − local. The true offset lies within {@code offsetNanos ± errorNanos} if
 * the reference is honest (for a two-way exchange, errorNanos ≥ delayNanos/2 plus the
 * reference's own dispersion and precision).
 *
 * @param source       the reference's name, as printed by --once ("sntp:127.0.0.1:123")
 * @param monoNanos    {@code TimeSource.monotonicNanos()} at the instant the offset refers to
 * @param localNanos   {@code TimeSource.realtimeNanos()} at that same instant (POSIX ns)
 * @param offsetNanos  reference − local, ns
 * @param delayNanos   round-trip delay, ns (0 for a serial receiver)
 * @param errorNanos   half-width of the interval around offsetNanos that holds the truth, ns (> 0)
 */
public record Sample(String source, long monoNanos, long localNanos, long offsetNanos, long delayNanos,
                     long errorNanos) {

    public Sample {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("negative delay " + delayNanos + " ns from " + source);
        }
        if (errorNanos <= 0) {
            throw new IllegalArgumentException("non-positive error bound " + errorNanos + " ns from " + source);
        }
    }
}
