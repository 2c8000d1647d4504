package timeslave.core;

/**
 * Told whenever the discipline moves the clock, so that anything holding offsets measured
 * against the old clock can re-express them against the new one (chrony's parameter-change
 * handlers, LCL_AddParameterChangeHandler).
 *
 * <p>Signs: offsets are reference − local. A frequency change of {@code +Δf} ns/s at monotonic
 * time {@code t_c} makes the clock gain Δf ns per second from then on, so an offset measured at
 * {@code t_i < t_c}, re-expressed as if the new frequency had always been in force, becomes
 * {@code offset_i + Δf·(t_c − t_i)}. A step of {@code +S} ns moves the clock forward, so every
 * stored offset becomes {@code offset_i − S}.
 */
public interface ClockChangeListener {

    /**
     * @param monoNanos             monotonic time of the change
     * @param frequencyDeltaNsPerSec how much the frequency correction went up, ns/s (0 if unchanged)
     * @param stepNanos             how far the clock was stepped forward, ns (0 if not stepped)
     */
    void clockChanged(long monoNanos, double frequencyDeltaNsPerSec, long stepNanos);
}
