package timeslave.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTest {
    /** Prometheus text format 0.0.4: a sample line is NAME[{LABELS}] VALUE. */
    static final Pattern SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? "
            + "(NaN|[+-]Inf|-?[0-9.]+(e[+-]?[0-9]+)?)");

    final ServerStats stats = () -> List.of(new ServerStats.Counter("requests", "Requests received.", 12),
            new ServerStats.Counter("rate_limited", "Requests refused by the rate limit.", 3));

    @Test
    void everyLineIsValidAndEveryNameHasTheProjectPrefixAndABaseUnit() {
        String m = Metrics.format(Snapshots.synced(), stats, "timeslave 0.1.0", false);
        for (String line : m.split("\n")) {
            if (line.startsWith("#")) {
                assertTrue(line.matches("# (HELP|TYPE) timeslave_[a-z_]+ .+"), line);
            } else {
                assertTrue(SAMPLE.matcher(line).matches(), line);
                assertTrue(line.startsWith("timeslave_"), line);
            }
        }
        assertTrue(m.contains("\ntimeslave_synchronised 1\n"), m);
        assertTrue(m.contains("\ntimeslave_offset_seconds -1.2345e-05\n"), m);
        assertTrue(m.contains("\ntimeslave_error_bound_seconds 2.5e-05\n"), m);
        assertTrue(m.contains("\ntimeslave_timetrim_ratio 1.23454e-05\n"), m);
        assertTrue(m.contains("\ntimeslave_rejected_samples_total{reason=\"spike\"} 2\n"), m);
        assertTrue(m.contains("\ntimeslave_steps_total 1\n"), m);
        assertTrue(m.contains("\ntimeslave_source_state{source=\"sntp:b\",state=\"falseticker\"} 1\n"), m);
        assertTrue(m.contains("\ntimeslave_source_state{source=\"sntp:b\",state=\"selected\"} 0\n"), m);
        assertTrue(m.contains("\ntimeslave_source_reachability_ratio{source=\"sntp:127.0.0.1:123\"} 0.875\n"), m);
        assertTrue(m.contains("\ntimeslave_server_rate_limited_total 3\n"), m);
        assertTrue(m.contains("\ntimeslave_last_update_timestamp_seconds 1780000000.5\n"), m);
        assertTrue(m.contains("# TYPE timeslave_measurements_total counter\n"), m);
        assertTrue(!m.contains("# EOF"), "the classic format has no EOF line");
    }

    /** Issue 12: the served (or would-be served) stratum, root delay and dispersion are gauges. */
    @Test
    void stratumRootDelayAndDispersionAreGauges() {
        ServerStats withHeader = new ServerStats() {
            @Override
            public List<Counter> counters() {
                return List.of();
            }

            @Override
            public Served served() {
                return new Served(true, 0, 3, 0x7F000001, 0.25, 0.0005);
            }
        };
        String m = Metrics.format(Snapshots.synced(), withHeader, "v", false);
        assertTrue(m.contains("# TYPE timeslave_stratum gauge\ntimeslave_stratum 3\n"), m);
        assertTrue(m.contains("\ntimeslave_root_delay_seconds 0.25\n"), m);
        assertTrue(m.contains("\ntimeslave_root_dispersion_seconds 0.0005\n"), m);
        assertTrue(!Metrics.format(Snapshots.synced(), ServerStats.NONE, "v", false).contains("timeslave_stratum"),
                "no header known (tests, --once): no stratum");
    }

    @Test
    void unknownValuesAreInfinityOrNaNAsThePrometheusFormatSpells() {
        String m = Metrics.format(Snapshots.starting(), ServerStats.NONE, "v", false);
        assertTrue(m.contains("\ntimeslave_error_bound_seconds +Inf\n"), m);
        assertTrue(m.contains("\ntimeslave_offset_seconds NaN\n"), m);
        assertTrue(m.contains("\ntimeslave_synchronised 0\n"), m);
    }

    @Test
    void openMetricsNamesCounterFamiliesWithoutTotalAndEndsWithEof() {
        String m = Metrics.format(Snapshots.synced(), stats, "v", true);
        assertTrue(m.contains("# TYPE timeslave_steps counter\ntimeslave_steps_total 1\n"), m);
        assertTrue(m.endsWith("# EOF\n"), m);
    }

    @Test
    void labelValuesAreEscaped() {
        assertEquals("a\\\"b\\\\c\\n", Metrics.escape("a\"b\\c\n"));
    }

    @Test
    void theHttpEndpointServesMetricsOnlyAtSlashMetrics() throws Exception {
        try (MetricsServer s = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Snapshots::synced, stats, "timeslave 0.1.0")) {
            HttpClient c = HttpClient.newHttpClient();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(Metrics.TEXT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
            assertTrue(r.body().contains("timeslave_synchronised 1"), r.body());
            HttpResponse<String> om = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics"))
                    .header("Accept", "application/openmetrics-text;version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(Metrics.OPENMETRICS_TYPE, om.headers().firstValue("Content-Type").orElse(""));
            assertTrue(om.body().endsWith("# EOF\n"));
            HttpResponse<String> nf = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, nf.statusCode());
            HttpResponse<String> post = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }
}
