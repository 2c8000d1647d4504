package timeslave.ref.serial;

/**
 * A receiver reply that yields no time. The message is the predicate of the log line
 * {@code receiver /dev/ttyd2 <message>}, e.g. {@code answers garbage: truncated reply (...) in "..."}.
 * Garbage may be line noise and is worth another query; a receiver's own complaint (no time,
 * fault bits, no reference) is not.
 */
public final class ReplyException extends Exception {

    /** True if the bytes made no sense (worth retrying), false if the receiver said it has no good time. */
    public final boolean garbage;

    public ReplyException(String message) {
        this(message, false);
    }

    private ReplyException(String message, boolean garbage) {
        super(message);
        this.garbage = garbage;
    }

    static ReplyException garbage(String what, byte[] reply, int len) {
        return new ReplyException("answers garbage: " + what + " in \"" + Quote.bytes(reply, len) + "\"", true);
    }
}
