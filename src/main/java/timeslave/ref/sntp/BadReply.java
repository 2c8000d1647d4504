package timeslave.ref.sntp;

/**
 * A reply that must not become a sample, with a stable short reason ("truncated", "wrong-origin", …)
 * used as the rejection counter's key and in the debug log line. Shared by the three network references.
 */
public final class BadReply extends Exception {
    public final String reason;
    public final String detail;

    public BadReply(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
        this.detail = detail;
    }
}
