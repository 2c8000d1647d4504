package timeslave.ref.sntp;

import java.util.Map;
import java.util.TreeMap;
import timeslave.log.Log;

/**
 * Counts rejected replies by reason and writes one debug line per rejection
 * ({@code rejected reply from HOST: REASON: DETAIL}). Shared by the three network references.
 */
public final class Rejects {
    /** Debug level at which each rejected packet is logged (-d). */
    public static final int DEBUG_LEVEL = 1;

    private final Map<String, Long> counts = new TreeMap<>();
    private final Log log;
    private final String source;

    public Rejects(Log log, String source) {
        this.log = log;
        this.source = source;
    }

    /** Counts and logs one rejected reply. */
    public void reject(BadReply bad) {
        counts.merge(bad.reason, 1L, Long::sum);
        log.debug(DEBUG_LEVEL, "rejected reply from " + source + ": " + bad.getMessage());
    }

    /** Replies rejected so far for {@code reason}. */
    public long count(String reason) {
        return counts.getOrDefault(reason, 0L);
    }

    /**
     * The rejections between two snapshots of {@link #counts()}, as "reason n, reason n" in reason order;
     * empty if none.
     */
    public static String since(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : new TreeMap<>(after).entrySet()) {
            long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(n);
            }
        }
        return sb.toString();
    }

    /** A snapshot of all counters, by reason. */
    public Map<String, Long> counts() {
        return Map.copyOf(counts);
    }
}
