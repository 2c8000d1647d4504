package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import timeslave.os.BatchUdpSocket;
import timeslave.os.SystemTime;
import timeslave.ref.ListLog;
import timeslave.ref.sntp.NtpPacket;
import timeslave.time.ClockState;
import timeslave.time.Epochs;
import timeslave.time.TimeSource;

/**
 * The batched socket path of {@link UdpServer} (recvmmsg/sendmmsg, kernel receive stamps) on real
 * loopback sockets, beside the JDK channel it falls back to.
 */
@Timeout(60)
class BatchedUdpServerTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final SystemTime SYSTEM = new SystemTime();
    private final ListLog log = new ListLog(0);

    /** The machine's clocks; with {@code realReadMillis} every CLOCK_REALTIME read first sleeps that long. */
    private static TimeSource machine(long realReadMillis) {
        return new TimeSource() {
            @Override
            public long realtimeNanos() {
                if (realReadMillis > 0) {
                    try {
                        Thread.sleep(realReadMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return SYSTEM.realtimeNanos();
            }

            @Override
            public long monotonicNanos() {
                return SYSTEM.monotonicNanos();
            }

            @Override
            public boolean kernelRealtime() {
                return true;
            }
        };
    }

    private static ServedClock synchronisedClock(TimeSource time) {
        ServedClock c = new ServedClock(time, ServedClock.Upstream.primary(0x7F000001), null, false, -20);
        c.clockState(new ClockState(true, time.monotonicNanos(), -1e6, 1e6, 0, 15_000));
        return c;
    }

    private UdpServer ntp(TimeSource time, InetSocketAddress at, boolean batched) throws Exception {
        ServedClock c = synchronisedClock(time);
        UdpServer s = new UdpServer(Protocol.ntp(c), at, c, RateLimiter.off(), log, batched);
        s.start();
        return s;
    }

    private static byte[] receive(DatagramSocket client) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        client.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }

    @Test
    void onLinuxTheServerReceivesInBatches() throws Exception {
        ServedClock c = synchronisedClock(machine(0));
        try (UdpServer s = new UdpServer(Protocol.ntp(c), ANY_LOOPBACK, c, RateLimiter.off(), log)) {
            assertTrue(s.batched(), "recvmmsg through JNA is available on Linux");
            assertTrue(s.localAddress().getPort() > 0);
        }
    }

    @Test
    void aBurstLargerThanOneBatchGetsOneReplyPerRequestAndIsCounted() throws Exception {
        int requests = UdpServer.BATCH + 8;
        try (UdpServer s = ntp(machine(0), ANY_LOOPBACK, true);
             DatagramSocket client = new DatagramSocket(ANY_LOOPBACK)) {
            client.setSoTimeout(2_000);
            client.setReceiveBufferSize(1 << 20);
            for (int i = 0; i < requests; i++) {
                byte[] req = NtpPacket.request(1_000 + i);
                client.send(new DatagramPacket(req, req.length, s.localAddress()));
            }
            Set<Long> origins = new HashSet<>();
            for (int i = 0; i < requests; i++) {
                byte[] reply = receive(client);
                assertEquals(48, reply.length);
                assertEquals(4, reply[0] & 7, "mode 4");
                origins.add(java.nio.ByteBuffer.wrap(reply, 24, 8).getLong());
            }
            Set<Long> sent = new HashSet<>();
            for (int i = 0; i < requests; i++) {
                sent.add(1_000L + i);
            }
            assertEquals(sent, origins, "each reply carries its own request's transmit time as origin");
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (s.stats().replies() < requests && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(requests, s.stats().requests());
            assertEquals(requests, s.stats().replies());
        }
    }

    @Test
    void theReceiveTimeIsTheKernelsStampNotTheServersWakeUp() throws Exception {
        long slowMillis = 60;
        try (UdpServer s = ntp(machine(slowMillis), ANY_LOOPBACK, true);
             DatagramSocket client = new DatagramSocket(ANY_LOOPBACK)) {
            client.setSoTimeout(5_000);
            long sentNanos = machine(0).realtimeNanos();
            byte[] req = NtpPacket.request(7);
            client.send(new DatagramPacket(req, req.length, s.localAddress()));
            byte[] reply = receive(client);
            long t2 = Epochs.ntpDifferenceNanos(java.nio.ByteBuffer.wrap(reply, 32, 8).getLong(),
                    Epochs.ntp64FromPosixNanos(sentNanos));
            long t3 = Epochs.ntpDifferenceNanos(java.nio.ByteBuffer.wrap(reply, 40, 8).getLong(),
                    Epochs.ntp64FromPosixNanos(sentNanos));
            // served = local + 1 ms (the state's offset); the server reads the clock 60 ms late each time
            assertTrue(t2 < 1_000_000 + slowMillis * 1_000_000 / 2, "T2 is the kernel's arrival stamp: " + t2 + " ns after sending");
            assertTrue(t3 - t2 >= slowMillis * 1_000_000, "T3 is read after the reply is made: " + (t3 - t2) + " ns after T2");
        }
    }

    @Test
    void theJdkChannelStillServesWhereTheBatchedSocketIsNotUsed() throws Exception {
        try (UdpServer s = ntp(machine(0), ANY_LOOPBACK, false);
             DatagramSocket client = new DatagramSocket(ANY_LOOPBACK)) {
            assertFalse(s.batched());
            client.setSoTimeout(2_000);
            byte[] req = NtpPacket.request(9);
            client.send(new DatagramPacket(req, req.length, s.localAddress()));
            assertEquals(48, receive(client).length);
        }
    }

    @Test
    void anIpv6ClientIsAnsweredFromTheSameBatch() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        DatagramSocket client;
        try {
            client = new DatagramSocket(v6);
        } catch (java.net.SocketException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (UdpServer s = ntp(machine(0), v6, true); client) {
            assertTrue(s.batched());
            client.setSoTimeout(2_000);
            byte[] req = NtpPacket.request(11);
            client.send(new DatagramPacket(req, req.length, s.localAddress()));
            byte[] reply = receive(client);
            assertEquals(48, reply.length);
            assertEquals(11, java.nio.ByteBuffer.wrap(reply, 24, 8).getLong());
        }
    }

    @Test
    void closeWakesTheBlockedReceiverAtOnce() throws Exception {
        UdpServer s = ntp(machine(0), ANY_LOOPBACK, true);
        try (DatagramSocket client = new DatagramSocket(ANY_LOOPBACK)) {
            client.setSoTimeout(2_000);
            byte[] req = NtpPacket.request(13);
            client.send(new DatagramPacket(req, req.length, s.localAddress()));
            assertNotNull(receive(client));
            Thread.sleep(50);   // the thread is back in recvmmsg
            long start = System.nanoTime();
            s.close();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < BatchUdpSocket.RECEIVE_TIMEOUT_MILLIS / 2,
                    "shutdown(2) wakes recvmmsg, the receive timeout is not waited for: " + tookMillis + " ms");
            client.send(new DatagramPacket(req, req.length, s.localAddress()));
            try {
                receive(client);
                throw new AssertionError("a closed server answered");
            } catch (SocketTimeoutException expected) {
                // nothing listens any more
            } catch (java.net.PortUnreachableException expected) {
                // nor does the port exist
            }
        }
    }
}
