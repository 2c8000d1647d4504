package timeslave.control;

import java.util.List;

/**
 * The counters of timeslave's own servers (TAICLOCK, RFC 868, NTP), shown by {@code timeslave-ctl
 * serverstats} and exported as {@code timeslave_server_<name>_total}; the serving code fills it in.
 */
public interface ServerStats {

    /** No server runs. */
    ServerStats NONE = List::of;

    /**
     * One monotonic counter.
     *
     * @param name  lower case with underscores, without the {@code _total} suffix: "requests", "replies",
     *              "rate_limited", "dropped"
     * @param help  one line for the metrics' HELP and the ctl output
     * @param value the count since the daemon started
     */
    record Counter(String name, String help, long value) {
    }

    /** Every counter now, in a stable order. */
    List<Counter> counters();

    /**
     * The NTP header the daemon serves, or would serve, now; null when it is not known (tests, --once).
     * Whether it is served is {@link Served#serving}.
     */
    default Served served() {
        return null;
    }
}
