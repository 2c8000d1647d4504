package timeslave.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import timeslave.control.ControlServer;
import timeslave.control.MetricsServer;
import timeslave.control.ServerStats;
import timeslave.core.Status;
import timeslave.core.StatusListener;
import timeslave.log.Log;
import timeslave.stats.StatsWriter;

/**
 * ops12: what the daemon offers for watching it (the control socket, the metrics endpoint, the
 * statistics files), fed by the core's {@link Status} snapshots. A part that cannot start is logged
 * and left out; the daemon runs on without it.
 */
final class Operations implements StatusListener, AutoCloseable {
    private final Log log;
    private final List<StatusListener> listeners = new ArrayList<>();
    private volatile Status latest;
    /** The servers' counters (serve fills them in through {@link #serverStats(ServerStats)}). */
    private volatile ServerStats serverStats = ServerStats.NONE;
    /** The NTP header served or that would be (Main fills it in through {@link #served}). */
    private volatile java.util.function.Supplier<timeslave.control.Served> served = () -> null;
    private ControlServer control;
    private MetricsServer metrics;
    private boolean listenerFailed;

    private Operations(Log log) {
        this.log = log;
    }

    /** Nothing but the latest snapshot (tests, --once). */
    static Operations none(Log log) {
        return new Operations(log);
    }

    /** Starts what {@code ops} asks for. */
    static Operations start(Options.Ops ops, Log log, ControlServer.Actions actions, ServerStats stats, String version) {
        Operations o = new Operations(log);
        o.serverStats = stats;
        ServerStats live = new ServerStats() {
            @Override
            public List<Counter> counters() {
                return o.serverStats.counters();
            }

            @Override
            public timeslave.control.Served served() {
                return o.served.get();
            }
        };
        if (ops.control().isPresent()) {
            try {
                o.control = ControlServer.start(ops.control().get(), o::latest, live, actions, log);
            } catch (IOException e) {
                log.err("control socket " + ops.control().get() + ": cannot listen: " + e.getMessage()
                        + "; timeslave-ctl will not be answered");
            }
        }
        if (ops.metricsPort() > 0) {
            InetSocketAddress a = new InetSocketAddress(ops.metricsHost(), ops.metricsPort());
            try {
                if (a.isUnresolved()) {
                    throw new IOException("unknown address " + ops.metricsHost());
                }
                o.metrics = MetricsServer.start(a, o::latest, live, version);
                log.info("metrics at http://" + (a.getAddress() instanceof java.net.Inet6Address
                        ? "[" + ops.metricsHost() + "]" : ops.metricsHost()) + ":" + o.metrics.port() + "/metrics");
            } catch (IOException e) {
                log.err("--metrics " + ops.metricsHost() + ":" + ops.metricsPort() + ": cannot listen: "
                        + (e.getMessage() == null ? "address in use or not local" : e.getMessage()));
            }
        }
        ops.statsDir().ifPresent(d -> o.listeners.add(new StatsWriter(d, log)));
        return o;
    }

    /** The counters timeslave-ctl serverstats and the metrics show from now on (the serving code calls this). */
    void serverStats(ServerStats stats) {
        serverStats = stats == null ? ServerStats.NONE : stats;
    }

    /** What timeslave-ctl tracking and the metrics show as the served NTP header from now on. */
    void served(java.util.function.Supplier<timeslave.control.Served> header) {
        served = header == null ? () -> null : header;
    }

    Status latest() {
        return latest;
    }

    @Override
    public void published(Status s) {
        latest = s;
        for (StatusListener l : listeners) {
            try {
                l.published(s);
            } catch (RuntimeException e) {
                if (!listenerFailed) {
                    listenerFailed = true;
                    log.err("statistics: internal error: " + e + "; the daemon goes on");
                }
            }
        }
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
