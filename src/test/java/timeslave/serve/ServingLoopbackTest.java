package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import timeslave.ref.ListLog;
import timeslave.ref.WallTime;
import timeslave.ref.sntp.NtpPacket;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.time.ClockState;

/**
 * Every server on real loopback sockets: good requests are answered, and garbage, truncated,
 * oversized and wrong-mode datagrams get nothing back, are counted, and make one log line per server.
 */
@Timeout(60)
class ServingLoopbackTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** How long to wait for a reply that must not come, ms (a loopback reply takes well under 1 ms). */
    private static final int SILENCE_MILLIS = 200;
    private final ListLog log = new ListLog(0);
    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private Serving serving;
    private DatagramSocket client;

    @BeforeEach
    void start() throws Exception {
        WallTime time = new WallTime(0);
        ServedClock clock = new ServedClock(time, ServedClock.Upstream.primary(0x7F000001), null, false, -20);
        serving = Serving.start(new Serving.Config(List.of(ANY_LOOPBACK), List.of(ANY_LOOPBACK), List.of(ANY_LOOPBACK),
                false, false, 0, 1, Optional.empty()), clock, log);
        serving.clockState(new ClockState(true, time.monotonicNanos(), 2e9, 2e9 + 2e6, 0, 15_000));
        client = new DatagramSocket(ANY_LOOPBACK);
        client.setSoTimeout(SILENCE_MILLIS);
    }

    @AfterEach
    void stop() {
        client.close();
        serving.close();
    }

    private UdpServer server(String protocol) {
        return serving.udpServers().stream().filter(s -> s.stats().name().startsWith(protocol + " ")).findFirst().orElseThrow();
    }

    /** Sends {@code request} and returns the reply, or null after {@link #SILENCE_MILLIS}. */
    private byte[] exchange(UdpServer s, byte[] request) throws Exception {
        client.send(new DatagramPacket(request, request.length, s.localAddress()));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            client.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    @Test
    void ntpAnswersAClientWithTheCorrectedTimeAndNothingElse() throws Exception {
        UdpServer s = server("ntp");
        long t1 = timeslave.time.Epochs.ntp64FromPosixNanos(new WallTime(0).realtimeNanos());
        byte[] reply = exchange(s, NtpPacket.request(t1));
        assertNotNull(reply);
        assertEquals(48, reply.length);
        NtpPacket p = NtpPacket.decodeReply(reply, t1);
        assertEquals(2, p.stratum());
        long offsetNanos = timeslave.time.Epochs.ntpDifferenceNanos(p.receive(), t1);
        assertTrue(offsetNanos > 1_990_000_000L && offsetNanos < 2_100_000_000L, "served = local + 2.001 s: " + offsetNanos);
        byte[] wrongMode = NtpPacket.request(5);
        wrongMode[0] = 0x24;
        byte[] control = new byte[12];
        control[0] = 0x16;   // mode 6, ntpq's control query
        byte[] oversized = Arrays.copyOf(NtpPacket.request(6), 1100);
        assertNull(exchange(s, Arrays.copyOf(NtpPacket.request(7), 47)));
        assertNull(exchange(s, oversized));
        assertNull(exchange(s, wrongMode));
        assertNull(exchange(s, control));
        assertGarbageIsNeverAnsweredWithMore(s);
        assertEquals(1, log.count("malformed request"), log.lines.toString());
        assertTrue(s.stats().dropped(Drop.TRUNCATED) >= 2 && s.stats().dropped(Drop.OVERSIZED) >= 1
                && s.stats().dropped(Drop.WRONG_MODE) >= 1, s.stats().summary());
    }

    @Test
    void taiclockAnswersCtaiAtTheSameLengthAndNothingElse() throws Exception {
        UdpServer s = server("taiclock");
        byte[] request = TaiclockPacket.request("0123456789ab".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] reply = exchange(s, request);
        assertNotNull(reply);
        TaiclockPacket.decodeReply(reply, request);
        byte[] stai = reply.clone();
        assertNull(exchange(s, stai), "a reply sent back is not answered");
        assertNull(exchange(s, Arrays.copyOf(request, 19)));
        assertNull(exchange(s, Arrays.copyOf(request, 257)));
        assertGarbageIsNeverAnsweredWithMore(s);
        assertEquals(1, log.count("malformed request"), log.lines.toString());
    }

    @Test
    void rfc868AnswersOverUdpAndTcp() throws Exception {
        UdpServer s = server("time");
        byte[] reply = exchange(s, new byte[0]);
        assertNotNull(reply, "an empty datagram, as rdate sends");
        assertEquals(4, reply.length);
        assertEquals(4, exchange(s, new byte[4]).length, "four zero bytes, as IRIX timeslave sends");
        assertNull(exchange(s, new byte[5]));
        assertNull(exchange(s, new byte[48]));
        TimeTcpServer tcp = serving.tcpServers().get(0);
        try (Socket c = new Socket()) {
            c.connect(tcp.localAddress(), 2_000);
            c.setSoTimeout(2_000);
            InputStream in = c.getInputStream();
            byte[] got = in.readAllBytes();
            assertEquals(4, got.length);
            long served = timeslave.ref.rfc868.TimeProtocol.decode(got, System.currentTimeMillis() / 1000);
            assertEquals(System.currentTimeMillis() / 1000 + 2, served, 2.0);
        }
        assertEquals(1, tcp.stats().replies());
    }

    /** Random datagrams: no reply ever longer than what was sent (RFC 868's empty request aside). */
    private void assertGarbageIsNeverAnsweredWithMore(UdpServer s) throws Exception {
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[1 + random.nextInt(400)];
            random.nextBytes(b);
            if (i % 3 == 0) {
                b[0] = (byte) (b[0] & ~7 | 1);   // NTP symmetric active, never answered
            }
            b[0] = b[0] == 'c' ? (byte) 'x' : b[0];
            byte[] r = exchange(s, b);
            if (r != null) {
                assertTrue(r.length <= b.length, "reply of " + r.length + " to " + b.length + " bytes (seed " + seed + ")");
            }
        }
    }

    @Test
    void theServersStopAndReportTheirCounters() throws Exception {
        UdpServer s = server("ntp");
        assertNotNull(exchange(s, NtpPacket.request(42)));
        serving.close();
        assertTrue(log.lines.stream().anyMatch(l -> l.matches("INFO ntp server 127\\.0\\.0\\.1:\\d+ stopped: 1 requests, 1 replies, 0 KoD")),
                log.lines.toString());
    }
}
