package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import timeslave.ref.ListLog;
import timeslave.ref.sntp.NtpPacket;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.time.ClockState;

/**
 * The servers' policy ({@link UdpServer#answer}) without sending a datagram: who is answered, who
 * is not and why, what is counted and logged.
 */
class UdpServerTest {
    static final long S = 1_000_000_000L;
    private final FakeTime time = new FakeTime(1_700_000_000L * S, 1_000 * S);
    private final ListLog log = new ListLog(0);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);

    private ServedClock clock(boolean unsynchronised) {
        return new ServedClock(time, ServedClock.Upstream.primary(0x7F000001), null, unsynchronised, -20);
    }

    private UdpServer server(Protocol p, RateLimiter limiter, ServedClock clock) throws Exception {
        return new UdpServer(p, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), clock, limiter, log);
    }

    @Test
    void noReplyToPortZeroBroadcastMulticastOrTheUnspecifiedAddress() throws Exception {
        ServedClock c = clock(true);
        try (UdpServer s = server(Protocol.ntp(c), RateLimiter.off(), c)) {
            for (InetSocketAddress from : new InetSocketAddress[] {
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 123),
                    new InetSocketAddress(InetAddress.getByName("224.0.1.1"), 123),
                    new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 123)}) {
                assertEquals(0, s.answer(NtpPacket.request(1), 48, from, time.real, time.mono), "from " + from);
            }
            assertEquals(4, s.stats().dropped(Drop.BAD_SOURCE));
            assertEquals(0, log.lines.size(), "a policy drop is counted, not logged");
        }
    }

    @Test
    void theBatchedPathsIpv4CheckDropsTheSameSourcesWithoutAnAddressObject() throws Exception {
        ServedClock c = clock(true);
        c.clockState(new ClockState(false, time.mono, -1e6, 1e6, 0, 15_000));
        try (UdpServer s = server(Protocol.ntp(c), RateLimiter.off(), c)) {
            int loopback = 0x7F00_0001;
            assertEquals(0, s.answerIpv4(NtpPacket.request(1), 48, loopback, 0, time.real, time.mono), "port 0");
            for (int from : new int[] {0xFFFF_FFFF, 0xE000_0101, 0xEFFF_FFFF, 0}) {
                assertEquals(0, s.answerIpv4(NtpPacket.request(1), 48, from, 123, time.real, time.mono),
                        UdpServer.ipv4Text(from));
            }
            for (java.net.InetAddress b : UdpServer.broadcastAddresses()) {
                if (b.getAddress().length == 4) {
                    assertEquals(0, s.answerIpv4(NtpPacket.request(1), 48, UdpServer.ipv4(b), 123, time.real, time.mono),
                            "this host's subnet broadcast " + b);
                }
            }
            long broadcasts = UdpServer.broadcastAddresses().stream().filter(b -> b.getAddress().length == 4).count();
            assertEquals(5 + broadcasts, s.stats().dropped(Drop.BAD_SOURCE));
            assertEquals(48, s.answerIpv4(NtpPacket.request(1), 48, loopback, 123, time.real, time.mono));
            assertEquals(0, s.answerIpv4(NtpPacket.request(1), 47, loopback, 123, time.real, time.mono));
            assertEquals(1, log.lines.size());
            assertTrue(log.lines.get(0).endsWith("truncated (47 bytes) from 127.0.0.1"), log.lines.get(0));
        }
    }

    @Test
    void anIpv4ClientHasOneBucketWhicheverPathItsRequestsTake() throws Exception {
        ServedClock c = clock(true);
        c.clockState(new ClockState(false, time.mono, -1e6, 1e6, 0, 15_000));
        try (UdpServer s = server(Protocol.time(c), new RateLimiter(1, 4), c)) {
            int replies = 0;
            for (int i = 0; i < 10; i++) {
                replies += (i % 2 == 0 ? s.answer(new byte[5], 0, CLIENT, time.real, time.mono)
                        : s.answerIpv4(new byte[5], 0, 0x7F00_0001, 40_000, time.real, time.mono)) > 0 ? 1 : 0;
            }
            assertEquals(4, replies, "the burst of 4, shared by both paths");
            assertEquals(6, s.stats().dropped(Drop.RATE_LIMITED));
        }
    }

    @Test
    void unsynchronisedNtpSaysSoWhileRfc868AndTaiclockStaySilent() throws Exception {
        ServedClock c = clock(false);
        c.clockState(new ClockState(false, time.mono, -1e6, 1e6, 0, 15_000));
        try (UdpServer ntp = server(Protocol.ntp(c), RateLimiter.off(), c);
             UdpServer tai = server(Protocol.taiclock(c, false), RateLimiter.off(), c);
             UdpServer rfc868 = server(Protocol.time(c), RateLimiter.off(), c)) {
            byte[] req = NtpPacket.request(9);
            assertEquals(48, ntp.answer(req, 48, CLIENT, time.real, time.mono));
            assertEquals(0xE4, req[0] & 0xFF, "LI 3, VN 4, mode 4");
            assertEquals(16, req[1]);
            assertEquals(0, tai.answer(TaiclockPacket.request(new byte[12]), 32, CLIENT, time.real, time.mono));
            assertEquals(0, rfc868.answer(new byte[5], 0, CLIENT, time.real, time.mono));
            assertEquals(1, tai.stats().dropped(Drop.UNSYNCHRONISED));
            assertEquals(1, rfc868.stats().dropped(Drop.UNSYNCHRONISED));
            ServedClock nothingYet = clock(true);
            try (UdpServer early = server(Protocol.time(nothingYet), RateLimiter.off(), nothingYet)) {
                assertEquals(0, early.answer(new byte[5], 0, CLIENT, time.real, time.mono),
                        "--serve-unsynchronised, but no bound yet: nothing to serve");
            }
            c.clockState(new ClockState(true, time.mono, -1e6, 1e6, 0, 15_000));
            assertEquals(32, tai.answer(TaiclockPacket.request(new byte[12]), 32, CLIENT, time.real, time.mono));
            assertEquals(4, rfc868.answer(new byte[5], 0, CLIENT, time.real, time.mono));
        }
    }

    @Test
    void aFloodGetsItsBurstThenOneKissOfDeathThenSilence() throws Exception {
        ServedClock c = clock(true);
        c.clockState(new ClockState(false, time.mono, -1e6, 1e6, 0, 15_000));
        try (UdpServer s = server(Protocol.ntp(c), new RateLimiter(1, 8), c)) {
            int replies = 0;
            int kods = 0;
            for (int i = 0; i < 1_000; i++) {
                byte[] req = NtpPacket.request(100 + i);
                int n = s.answer(req, 48, CLIENT, time.real, time.mono);
                assertTrue(n == 0 || n == 48);
                if (n == 48 && req[1] == 0) {
                    kods++;
                } else if (n == 48) {
                    replies++;
                }
                time.advance(1_000_000);   // 1000 requests a second
            }
            assertEquals(8, replies, "the burst; the next token is earned only after a whole second");
            assertEquals(1, kods, "one KoD RATE within the 2 s KoD interval");
            assertEquals(1_000 - 8 - 1, s.stats().dropped(Drop.RATE_LIMITED));
            assertEquals(1, s.stats().kissOfDeathSent());
        }
    }

    @Test
    void rfc868HasNoKissOfDeathSoAFloodIsDropped() throws Exception {
        ServedClock c = clock(true);
        c.clockState(new ClockState(false, time.mono, -1e6, 1e6, 0, 15_000));
        try (UdpServer s = server(Protocol.time(c), new RateLimiter(1, 2), c)) {
            int replies = 0;
            for (int i = 0; i < 10; i++) {
                replies += s.answer(new byte[5], 4, CLIENT, time.real, time.mono) > 0 ? 1 : 0;
            }
            assertEquals(2, replies);
            assertEquals(8, s.stats().dropped(Drop.RATE_LIMITED));
        }
    }

    @Test
    void malformedRequestsAreCountedAndLoggedOnceAMinute() throws Exception {
        ServedClock c = clock(true);
        try (UdpServer s = server(Protocol.taiclock(c, false), RateLimiter.off(), c)) {
            for (int i = 0; i < 50; i++) {
                assertEquals(0, s.answer(new byte[257], 10, CLIENT, time.real, time.mono));
                time.advance(S);
            }
            assertEquals(1, log.lines.size(), log.lines.toString());
            assertTrue(log.lines.get(0).matches("INFO taiclock server 127\\.0\\.0\\.1:\\d+: 1 malformed request dropped,"
                    + " the last truncated \\(10 bytes\\) from 127\\.0\\.0\\.1"), log.lines.get(0));
            time.advance(10 * S);
            s.answer(new byte[257], 257, CLIENT, time.real, time.mono);
            assertEquals(2, log.lines.size());
            assertTrue(log.lines.get(1).contains(": 50 malformed requests dropped, the last oversized (257 bytes)"),
                    log.lines.get(1));
            assertEquals(50, s.stats().dropped(Drop.TRUNCATED));
            assertEquals(1, s.stats().dropped(Drop.OVERSIZED));
            assertEquals(51, s.stats().requests());
            assertEquals(0, s.stats().replies());
        }
    }
}
