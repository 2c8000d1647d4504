package timeslave.serve;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import timeslave.log.Log;

/**
 * One server's counters (requests, replies, KoD, drops by reason) and its one rate-limited log line
 * for malformed requests: the first is logged at once, later ones at most once a
 * {@link #LOG_INTERVAL_NANOS}, each line counting what was dropped since the one before.
 */
public final class ServerStats {
    /** Least time between two "malformed requests dropped" lines of one server, ns (1 min). */
    public static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final String name;
    private final Log log;
    private final LongAdder requests = new LongAdder();
    private final LongAdder replies = new LongAdder();
    private final LongAdder kissOfDeath = new LongAdder();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private long malformedSinceLog;
    private long lastLogMono;
    private boolean logged;

    /** @param name the server as logged, e.g. "ntp server 127.0.0.1:123" */
    public ServerStats(String name, Log log) {
        this.name = name;
        this.log = log;
        for (Drop d : Drop.values()) {
            drops.put(d, new LongAdder());
        }
    }

    public String name() {
        return name;
    }

    void request() {
        requests.increment();
    }

    void reply() {
        replies.increment();
    }

    void replies(int n) {
        replies.add(n);
    }

    void kissOfDeath() {
        kissOfDeath.increment();
    }

    /** Counts a drop; a malformed request may also log (see the class comment). */
    synchronized void drop(Drop d, int length, String from, long monoNanos) {
        drops.get(d).increment();
        if (!d.malformed()) {
            return;
        }
        malformedSinceLog++;
        if (!logged || monoNanos - lastLogMono >= LOG_INTERVAL_NANOS) {
            log.info(name + ": " + malformedSinceLog + " malformed request" + (malformedSinceLog == 1 ? "" : "s")
                    + " dropped, the last " + d.label() + " (" + length + " bytes) from " + from);
            malformedSinceLog = 0;
            lastLogMono = monoNanos;
            logged = true;
        }
    }

    public long requests() {
        return requests.sum();
    }

    public long replies() {
        return replies.sum();
    }

    public long kissOfDeathSent() {
        return kissOfDeath.sum();
    }

    public long dropped(Drop d) {
        return drops.get(d).sum();
    }

    /** "N requests, N replies, N KoD, dropped: truncated N, …" (non-zero drop reasons only). */
    public String summary() {
        StringBuilder b = new StringBuilder().append(requests()).append(" requests, ").append(replies())
                .append(" replies, ").append(kissOfDeathSent()).append(" KoD");
        String sep = ", dropped: ";
        for (Drop d : Drop.values()) {
            long n = dropped(d);
            if (n > 0) {
                b.append(sep).append(d.label()).append(' ').append(n);
                sep = ", ";
            }
        }
        return b.toString();
    }
}
