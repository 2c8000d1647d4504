package timeslave.ref.serial;

/**
 * Character-time arithmetic for 9600 baud, 8N1: every deadline and timing correction on the
 * serial path is a whole number of character times plus a named margin (TIMESLAVE-BEHAVIOUR.md §9).
 */
public final class SerialTiming {
    private SerialTiming() {
    }

    /** Line speed every supported receiver is set to (PROTOCOLS.md §8, §9). */
    public static final int BAUD = 9600;

    /** Bits on the wire per character at 8N1: start + 8 data + stop. */
    public static final int BITS_PER_CHAR = 10;

    /** One character time at 9600 8N1: 10 bits / 9600 bit/s = 1041.667 µs (timeslave rounded to 1041 µs). */
    public static final long CHAR_NANOS = 1_000_000_000L * BITS_PER_CHAR / BAUD;

    /** Margin timeslave adds to a PST/Traconex query's character time before giving up (20 ms). */
    public static final long WWV_MARGIN_NANOS = 20_000_000L;

    /** Margin timeslave adds to a TT600 query's character time before giving up (50 ms). */
    public static final long TT600_MARGIN_NANOS = 50_000_000L;

    /**
     * How long a query may take: (command + reply − 1) character times plus the margin, as
     * timeslave computed it (the last reply character only has to have started).
     */
    public static long replyDeadlineNanos(int commandChars, int replyChars, long marginNanos) {
        return Math.max(0, commandChars + replyChars - 1) * CHAR_NANOS + marginNanos;
    }
}
