package timeslave.serve;

/**
 * Why a server sent nothing back: the reasons counted per server and named in the rate-limited
 * "dropped" log line (man/timeslave.1m, DIAGNOSTICS).
 */
public enum Drop {
    /** Shorter than the protocol's smallest request. */
    TRUNCATED("truncated"),
    /** Longer than the protocol's largest request. */
    OVERSIZED("oversized"),
    /** Not a request: an NTP mode other than client, or a TAICLOCK packet not starting "ctai". */
    WRONG_MODE("wrong-mode"),
    /** NTP version 0 or above 4. */
    WRONG_VERSION("wrong-version"),
    /** From port 0, or from a broadcast, multicast or unspecified address: a reply could only go astray. */
    BAD_SOURCE("bad-source"),
    /** Over the client's rate limit (an NTP client may get a KoD RATE instead, counted apart). */
    RATE_LIMITED("rate-limited"),
    /** The daemon does not hold its clock synchronised (and --serve-unsynchronised is not given). */
    UNSYNCHRONISED("unsynchronised");

    private final String label;

    Drop(String label) {
        this.label = label;
    }

    /** The reason as logged and counted. */
    public String label() {
        return label;
    }

    /** Whether this reason is a malformed request (logged, rate-limited), not a policy decision. */
    public boolean malformed() {
        return this == TRUNCATED || this == OVERSIZED || this == WRONG_MODE || this == WRONG_VERSION;
    }
}
