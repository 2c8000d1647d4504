package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import timeslave.control.ServerStats;
import timeslave.ref.ListLog;

/** ops12: the servers' counters as timeslave-ctl serverstats and the metrics name them. */
class ServeCountersTest {

    @Test
    void countersAreSummedOverEveryServerWithStableNames() {
        List<timeslave.serve.ServerStats> two = List.of(new timeslave.serve.ServerStats("ntp 127.0.0.1:123", new ListLog(0)),
                new timeslave.serve.ServerStats("time 127.0.0.1:37", new ListLog(0)));
        List<ServerStats.Counter> c = new ServeCounters(() -> two).counters();
        assertEquals(List.of("requests", "replies", "rate_limited"), c.subList(0, 3).stream().map(ServerStats.Counter::name).toList());
        assertTrue(c.stream().allMatch(x -> x.name().matches("[a-z_]+") && x.value() == 0), c.toString());
        assertTrue(c.stream().anyMatch(x -> x.name().equals("dropped_wrong_mode")), c.toString());
        String metrics = timeslave.control.Metrics.format(null, new ServeCounters(() -> two), "v", false);
        assertTrue(metrics.contains("\ntimeslave_server_requests_total 0\n"), metrics);
    }
}
