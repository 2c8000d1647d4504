package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import timeslave.ref.ListLog;
import timeslave.ref.WallTime;
import timeslave.ref.sntp.Probe;
import timeslave.ref.sntp.Rejects;
import timeslave.time.Epochs;

/** The RFC 868 TCP fallback: used when UDP stays silent; a wrong-length TCP answer is rejected. */
class TimeServiceTcpTest {
    private final WallTime wall = new WallTime(0);
    private final ListLog log = new ListLog(1);

    /** A TCP time server that writes {@code extra} bytes beyond the 4 and closes; no UDP on its port. */
    private static Thread serve(ServerSocket ss, long shiftNanos, int extra, WallTime wall) {
        Thread t = new Thread(() -> {
            try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                out.write(TimeProtocol.encode(Math.floorDiv(wall.realtimeNanos() + shiftNanos, Epochs.NANOS_PER_SECOND)));
                out.write(new byte[extra]);
            } catch (java.io.IOException ignored) {
                // the test's own assertions report what went wrong
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void silentUdpFallsBackToTcp() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serve(ss, 5 * Epochs.NANOS_PER_SECOND, 0, wall);
            Rejects rejects = new Rejects(log, "localhost");
            try (TimeService ts = new TimeService("localhost", new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()),
                    30_000_000L, OptionalInt.empty(), wall, log, rejects)) {
                Probe p = ts.date();
                assertEquals(5 * Epochs.NANOS_PER_SECOND, p.offsetNanos(), 600_000_000L);
                assertTrue(p.extraErrorNanos() >= 500_000_000L);
            }
        }
    }

    /** Issue 12: a closed UDP port (ICMP port unreachable) goes to TCP at once, not after three waits. */
    @Test
    void aClosedUdpPortGoesToTcpAtOnce() throws Exception {
        InetSocketAddress closed = timeslave.ref.ClosedPort.udp(InetAddress.getLoopbackAddress());
        Rejects rejects = new Rejects(log, "localhost");
        try (TimeService ts = new TimeService("localhost", closed, 2_000_000_000L, OptionalInt.empty(), wall, log, rejects)) {
            long start = System.nanoTime();
            assertNull(ts.date());
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ts.lastFailure().startsWith("udp port unreachable, tcp: "), ts.lastFailure());
            assertTrue(tookMillis < 1_500, tookMillis + " ms; one -W is 2000");
        }
    }

    @Test
    void oversizedTcpAnswerIsRejected() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serve(ss, 0, 1, wall);
            Rejects rejects = new Rejects(log, "localhost");
            try (TimeService ts = new TimeService("localhost", new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()),
                    30_000_000L, OptionalInt.empty(), wall, log, rejects)) {
                assertNull(ts.date());
                assertEquals(1, rejects.count("oversized"));
                assertEquals("oversized: 5 bytes, want 4", ts.lastFailure());
            }
        }
    }

    @Test
    void aServerThatDripsBytesOrNeverClosesCostsOneWaitAtMost() throws Exception {
        // 4 good bytes one by one, 40 ms apart, then silence without closing: the old loop waited -W per read
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                    byte[] b = TimeProtocol.encode(Math.floorDiv(wall.realtimeNanos(), Epochs.NANOS_PER_SECOND));
                    for (byte x : b) {
                        out.write(x);
                        out.flush();
                        Thread.sleep(40);
                    }
                    Thread.sleep(5_000);
                } catch (Exception ignored) {
                    // closed by the client
                }
            });
            t.setDaemon(true);
            t.start();
            Rejects rejects = new Rejects(log, "localhost");
            try (TimeService ts = new TimeService("localhost", new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()),
                    300_000_000L, OptionalInt.empty(), wall, log, rejects)) {
                long start = System.nanoTime();
                Probe p = ts.date();
                long elapsedUdpAndTcp = System.nanoTime() - start;
                // 3 UDP waits plus one TCP wait of 0.3 s, with room for a loaded machine; the old loop took 5 × 0.3 s for TCP
                assertTrue(elapsedUdpAndTcp < 4 * 300_000_000L + 350_000_000L, "took " + elapsedUdpAndTcp + " ns");
                if (p != null) {
                    assertEquals(0, p.offsetNanos(), 1_000_000_000L);
                } else {
                    assertTrue(ts.lastFailure().startsWith("truncated"), ts.lastFailure());
                }
            }
        }
    }
}
