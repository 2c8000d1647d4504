package timeslave.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import timeslave.core.Status;

/**
 * --metrics: {@link Metrics} over HTTP at {@code /metrics}, with the JDK's own server
 * (com.sun.net.httpserver, module jdk.httpserver): one handler thread, no dependency. Any other path
 * gets 404; a method other than GET or HEAD gets 405.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code address}; throws with a reason fit for the log. */
    public static MetricsServer start(InetSocketAddress address, Supplier<Status> status, ServerStats stats,
                                      String version) throws IOException {
        HttpServer h = HttpServer.create(address, 8);
        h.createContext("/", ex -> {
            try (ex) {
                if (!ex.getRequestURI().getPath().equals("/metrics")) {
                    send(ex, 404, "text/plain; charset=utf-8", "timeslave: metrics are at /metrics\n");
                    return;
                }
                if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                    send(ex, 405, "text/plain; charset=utf-8", "GET only\n");
                    return;
                }
                String accept = ex.getRequestHeaders().getFirst("Accept");
                boolean om = accept != null && accept.contains("application/openmetrics-text");
                send(ex, 200, om ? Metrics.OPENMETRICS_TYPE : Metrics.TEXT_TYPE,
                        Metrics.format(status.get(), stats, version, om));
            }
        });
        h.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "timeslave-metrics");
            t.setDaemon(true);
            return t;
        }));
        h.start();
        return new MetricsServer(h);
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : b.length);
        if (!head) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    /** The port actually bound (for --metrics ...:0 in tests). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
