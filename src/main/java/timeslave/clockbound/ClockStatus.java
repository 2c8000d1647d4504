package timeslave.clockbound;

/** The clock status of a ClockBound v2 segment (i32 at offset 68). */
public enum ClockStatus {
    /** No bound can be given. */
    UNKNOWN,
    /** The daemon holds the clock synchronised; the interval holds true time. */
    SYNCHRONIZED,
    /** The clock is not being corrected, but the interval still holds true time. */
    FREE_RUNNING,
    /** The clock was disrupted (e.g. a live migration); no bound until it recovers. */
    DISRUPTED;

    /** The status for a segment code; an unknown code reads as UNKNOWN. */
    public static ClockStatus of(int code) {
        return switch (code) {
            case 1 -> SYNCHRONIZED;
            case 2 -> FREE_RUNNING;
            case 3 -> DISRUPTED;
            default -> UNKNOWN;
        };
    }
}
