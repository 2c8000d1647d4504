package timeslave.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import timeslave.control.ServerStats;
import timeslave.serve.Drop;

/**
 * ops12: the servers' counters (serve.ServerStats, one per listening socket) summed for
 * timeslave-ctl serverstats and the metrics: requests, replies, Kiss-o'-Death RATE sent, and
 * requests dropped by reason.
 */
final class ServeCounters implements ServerStats {
    private final Supplier<List<timeslave.serve.ServerStats>> servers;

    ServeCounters(Supplier<List<timeslave.serve.ServerStats>> servers) {
        this.servers = servers;
    }

    /** The counters of everything {@code serving} listens on. */
    static ServeCounters of(timeslave.serve.Serving serving) {
        return new ServeCounters(() -> {
            List<timeslave.serve.ServerStats> all = new ArrayList<>();
            serving.udpServers().forEach(u -> all.add(u.stats()));
            serving.tcpServers().forEach(t -> all.add(t.stats()));
            return all;
        });
    }

    @Override
    public List<Counter> counters() {
        List<timeslave.serve.ServerStats> all = servers.get();
        List<Counter> out = new ArrayList<>();
        out.add(new Counter("requests", "Requests received by the servers.",
                all.stream().mapToLong(timeslave.serve.ServerStats::requests).sum()));
        out.add(new Counter("replies", "Replies sent by the servers.",
                all.stream().mapToLong(timeslave.serve.ServerStats::replies).sum()));
        out.add(new Counter("rate_limited", "Kiss-o'-Death RATE replies sent to clients over their rate limit.",
                all.stream().mapToLong(timeslave.serve.ServerStats::kissOfDeathSent).sum()));
        for (Drop d : Drop.values()) {
            out.add(new Counter("dropped_" + d.label().replace('-', '_').toLowerCase(Locale.ROOT),
                    "Requests dropped: " + d.label() + ".", all.stream().mapToLong(s -> s.dropped(d)).sum()));
        }
        return out;
    }
}
