package timeslave.time;

/**
 * The clock timeslave disciplines: it reads time and obeys OpenNTPD's three messages
 * (step, slew, set frequency), plus telling the kernel its error estimates and leap state.
 *
 * <p>Signs: a positive offset moves the clock forward; a positive frequency makes it run faster
 * (Linux {@code timex.freq} and IRIX timetrim share this sign).
 */
public interface SystemClock extends TimeSource {

    /**
     * Whether realtime − monotonic changes only when the clock is stepped, as on Linux (CLOCK_MONOTONIC
     * is slewed and trimmed with CLOCK_REALTIME), so a change the daemon did not make is someone else's
     * step. False for a clock that moves only its real time (some test fakes): no such check is made.
     */
    default boolean stepsAloneMoveRealtimeAgainstMonotonic() {
        return false;
    }

    /** Adds {@code offsetNanos} to the real-time clock at once (Linux ADJ_SETOFFSET). */
    void step(long offsetNanos) throws ClockException;

    /**
     * Starts the kernel's own slew of {@code offsetNanos} (Linux ADJ_OFFSET_SINGLESHOT, 500 ppm),
     * replacing any slew still in progress.
     */
    void slew(long offsetNanos) throws ClockException;

    /**
     * Sets the frequency correction in ns/s (ppb), positive = faster. Implementations accept at
     * least ±{@value #MAX_FREQUENCY_NS_PER_SEC} ns/s (Linux: freq ±500 ppm plus tick ±10 %).
     */
    void setFrequency(double nsPerSec) throws ClockException;

    /** The frequency correction now in force, ns/s. */
    double frequency() throws ClockException;

    /**
     * Tells the kernel how good the clock is (Linux maxerror/esterror, STA_UNSYNC);
     * {@code synchronised = false} marks the clock unsynchronised.
     */
    void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) throws ClockException;

    /** Arms (or cancels) a leap second at the end of the current UTC day (STA_INS / STA_DEL). */
    void setLeap(Leap leap) throws ClockException;

    /** Largest frequency correction every implementation must accept, ns/s (10 % = Linux tick limit). */
    double MAX_FREQUENCY_NS_PER_SEC = 100_000_000.0;

    /** A leap second announced to the clock. */
    enum Leap { NONE, INSERT, DELETE }
}
