package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The daemon with servers, as a process: a port it cannot bind is a start-up failure with one line. */
class ServeDaemonProcessTest {
    @Test
    @Timeout(60)
    void aTakenPortStopsTheStartWithOneLineAndStatus1() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = taken.getLocalPort();
            TimeslaveProcess.Result r = TimeslaveProcess.run(List.of("-B", "-m", "--syslog", "none", "-H",
                    "sntp:127.0.0.1:9", "--serve-ntp", "127.0.0.1:" + port));
            assertEquals(Main.EXIT_FAILURE, r.status(), r.err());
            assertTrue(r.err().lines().anyMatch(l -> l.matches("timeslave: cannot serve ntp on 127\\.0\\.0\\.1:" + port + ": .+")),
                    r.err());
            assertTrue(!r.err().contains("started:"), "nothing runs half-served: " + r.err());
        }
    }
}
