package timeslave.ref.sntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import timeslave.time.Sample;
import timeslave.ref.FakeUdpServer;
import timeslave.ref.ListLog;
import timeslave.time.MeasurementException;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.WallTime;
import timeslave.time.Epochs;

/** SntpReference against a scripted loopback server: good replies, and every transport-level bad case. */
class SntpReferenceTest {
    private static final long SHIFT_NANOS = 2_500_000_000L;
    /** -t 2 -T 4 -w 0.2 s: small and quick. */
    private static final ReferenceConfig CONFIG = new ReferenceConfig(2, 4, 200_000_000L, 1_000_000_000L, 37, false,
            "PST_WWV", OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
    private final WallTime wall = new WallTime(0);
    private final ListLog log = new ListLog(2);

    /** A correct server reply to {@code request} from a clock SHIFT_NANOS ahead of ours. */
    private byte[] goodReply(byte[] request) {
        long now = Epochs.ntp64FromPosixNanos(wall.realtimeNanos() + SHIFT_NANOS);
        return new NtpPacket(0, 4, 4, 2, 6, -24, 0, 0, 0x7F000001, now, NtpPacket.getLong(request, 40), now, now).encode();
    }

    private SntpReference client(FakeUdpServer server) throws MeasurementException {
        return new SntpReference("sntp:test", server.address(), CONFIG, wall, log);
    }

    /**
     * The fake server stamps once between request and reply, so the true shift lies within the
     * sample's own bound however slow a loaded machine makes the exchange (no fixed tolerance).
     */
    private static void assertWithinOwnBound(Sample s) {
        assertTrue(Math.abs(s.offsetNanos() - SHIFT_NANOS) <= s.errorNanos(),
                "offset " + s.offsetNanos() + " ns not within " + s.errorNanos() + " ns of " + SHIFT_NANOS);
        assertTrue(s.errorNanos() < 1_000_000_000L, "a bound of " + s.errorNanos() + " ns says nothing");
    }

    @Test
    void measuresTheServersShift() throws Exception {
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> reply.send(goodReply(req)));
             SntpReference ref = client(server)) {
            Sample s = ref.measure();
            assertWithinOwnBound(s);
            assertTrue(s.errorNanos() >= s.delayNanos() / 2, "bound covers delay/2");
            assertEquals(2, server.requests.get(), "stops after -t good replies");
        }
    }

    @Test
    void requestsOfABurstKeepTheirHeadwayAndLateRepliesMeanwhileAreRejected() throws Exception {
        List<Long> arrivals = new ArrayList<>();
        List<byte[]> replies = new ArrayList<>();
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            arrivals.add(System.nanoTime());
            byte[] r = goodReply(req);
            replies.add(r);
            reply.send(r);
            if (n == 1) {
                reply.send(r.clone());   // a duplicate, arriving during the wait for the headway
            }
        }); SntpReference ref = new SntpReference("sntp:test", server.address(), CONFIG, wall, log, 100_000_000L)) {
            long before = System.nanoTime();
            ref.measure();
            long elapsed = System.nanoTime() - before;
            assertEquals(2, arrivals.size());
            assertTrue(elapsed >= 100_000_000L, "the second request waited for the headway: " + elapsed + " ns");
            assertEquals(1, ref.rejects().count("duplicate"));
        }
    }

    @Test
    void measuresAcrossThe2036EraWrap() throws Exception {
        // both clocks read in era 1 (after 2036-02-07): the timestamps on the wire wrap, offsets must not
        long to2040 = java.time.Instant.parse("2040-01-01T00:00:00Z").getEpochSecond() * Epochs.NANOS_PER_SECOND
                - wall.realtimeNanos();
        WallTime future = new WallTime(to2040);
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            long now = Epochs.ntp64FromPosixNanos(future.realtimeNanos() + SHIFT_NANOS);
            reply.send(new NtpPacket(0, 4, 4, 2, 6, -24, 0, 0, 0x7F000001, now, NtpPacket.getLong(req, 40), now, now).encode());
        }); SntpReference ref = new SntpReference("sntp:test", server.address(), CONFIG, future, log)) {
            Sample s = ref.measure();
            assertWithinOwnBound(s);
            assertTrue(s.localNanos() > 2_085_978_496L * Epochs.NANOS_PER_SECOND, "local time is in era 1");
        }
    }

    @Test
    void replyFromAnotherPortIsRejectedAndCounted() throws Exception {
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> reply.sendFromOtherPort(goodReply(req)));
             SntpReference ref = client(server)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.UNREACHABLE, e.kind);
            assertEquals(4, ref.rejects().count("wrong-source"));
            assertTrue(log.count("rejected reply from sntp:test: wrong-source") == 4, log.lines.toString());
        }
    }

    @Test
    void duplicatesAndReplaysOfOlderRepliesNeverBecomeSamples() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] r = goodReply(req);
            sent.add(r);
            reply.send(r);
            reply.send(r);                       // an exact duplicate
            if (n > 1) {
                reply.send(sent.get(0));          // a replay of the first reply
            }
        }); SntpReference ref = client(server)) {
            ref.measure();
            ref.measure();
            assertTrue(ref.rejects().count("duplicate") >= 1, ref.rejects().counts().toString());
            assertTrue(ref.rejects().count("wrong-origin") >= 1, ref.rejects().counts().toString());
        }
    }

    @Test
    void lateReplyIsNeverMatchedToTheNextRequest() throws Exception {
        List<byte[]> requests = new ArrayList<>();
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            requests.add(req);
            if (n == 2) {
                // the answer to request 1 arrives now, during request 2's wait, with a wrong time
                byte[] stale = goodReply(requests.get(0));
                NtpPacket.putLong(stale, 40, Epochs.ntp64FromPosixNanos(wall.realtimeNanos() - 1_000_000_000_000L));
                reply.send(stale);
            }
            if (n >= 2) {
                reply.send(goodReply(req));
            }
        }); SntpReference ref = client(server)) {
            Sample s = ref.measure();
            assertWithinOwnBound(s);
            assertEquals(1, ref.rejects().count("wrong-origin"));
        }
    }

    @Test
    void kissRateHoldsOffAndDenyRefuses() throws Exception {
        String[] code = {"RATE"};
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] r = goodReply(req);
            r[0] = (byte) 0xE4;
            r[1] = 0;
            NtpPacket.putU32(r, 12, NtpPacket.asciiId(code[0]));
            reply.send(r);
        }); SntpReference ref = client(server)) {
            var rate = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.BAD_REPLY, rate.kind);
            assertEquals(1, server.requests.get(), "no more requests after RATE in the burst");
            assertThrows(MeasurementException.class, ref::measure);
            assertEquals(1, server.requests.get(), "holding off: nothing sent");
            assertEquals(1, log.count("NOTICE sntp server sntp:test asked us to slow down (KoD RATE); holding off 64 s"));
        }
        code[0] = "DENY";
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] r = goodReply(req);
            r[1] = 0;
            NtpPacket.putU32(r, 12, NtpPacket.asciiId(code[0]));
            reply.send(r);
        }); SntpReference ref = client(server)) {
            assertEquals(MeasurementException.Kind.REFUSED, assertThrows(MeasurementException.class, ref::measure).kind);
            assertEquals(MeasurementException.Kind.REFUSED, assertThrows(MeasurementException.class, ref::measure).kind);
            assertEquals(1, server.requests.get());
            assertEquals(1, log.count("ERR sntp server sntp:test refused service (KoD DENY); no longer using it"));
            assertEquals(1, ref.rejects().count("kod"));
        }
    }

    @Test
    void silentServerIsUnreachableAndLoggedOnceThenOnlyWithDebugging() throws Exception {
        ListLog quietDebug = new ListLog(0);
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> { });
             SntpReference ref = new SntpReference("sntp:test", server.address(), CONFIG, wall, quietDebug)) {
            assertEquals(MeasurementException.Kind.UNREACHABLE, assertThrows(MeasurementException.class, ref::measure).kind);
            assertThrows(MeasurementException.class, ref::measure);
            assertEquals(List.of("NOTICE 0 responses in 4 trials from sntp:test"), quietDebug.lines);
        }
        ListLog quiet = new ListLog(3);
        ReferenceConfig q = new ReferenceConfig(1, 1, 50_000_000L, 1, 37, true, "PST_WWV", OptionalInt.empty(), Path.of("x"));
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> { });
             SntpReference ref = new SntpReference("sntp:test", server.address(), q, wall, quiet)) {
            assertThrows(MeasurementException.class, ref::measure);
            assertEquals(List.of(), quiet.lines, "-q logs nothing");
        }
    }

    /**
     * Issue 12: a closed port is reported by its ICMP port unreachable, at the first trial, instead of
     * after -T trials of -w each (4 × 2 s here; `--once -H sntp:127.0.0.1:9` took 16–31 s). IPv4 and IPv6.
     */
    @Test
    void aClosedPortIsUnreachableAtOnceNamingTheMaster() throws Exception {
        ReferenceConfig slow = new ReferenceConfig(2, 4, 2_000_000_000L, 1_000_000_000L, 37, false,
                "PST_WWV", OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
        for (java.net.InetAddress loopback : List.of(java.net.InetAddress.getByName("127.0.0.1"),
                java.net.InetAddress.getByName("::1"))) {
            ListLog lines = new ListLog(0);
            try (SntpReference ref = new SntpReference("sntp:closed", timeslave.ref.ClosedPort.udp(loopback), slow, wall,
                    lines)) {
                long start = System.nanoTime();
                MeasurementException e = assertThrows(MeasurementException.class, ref::measure);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(MeasurementException.Kind.UNREACHABLE, e.kind);
                assertEquals("port unreachable: sntp:closed (ICMP, after 1 trial)", e.getMessage(), loopback.toString());
                assertTrue(tookMillis < 1_500, loopback + ": " + tookMillis + " ms, the -w of one trial is 2000");
                assertEquals(List.of("NOTICE port unreachable: sntp:closed (ICMP, after 1 trial)"), lines.lines);
                assertThrows(MeasurementException.class, ref::measure, "again at the next measurement");
            }
        }
    }

    @Test
    void badPacketsFromTheRightServerAreCountedThenAGoodOneWins() throws Exception {
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] good = goodReply(req);
            reply.send(java.util.Arrays.copyOf(good, 20));                 // truncated: no origin to match
            byte[] other = good.clone();
            NtpPacket.putLong(other, 24, 0x1234_5678_9abc_def0L);
            reply.send(other);                                             // someone else's origin
            if (n % 2 == 1) {
                byte[] bad = good.clone();
                if (n == 1) {
                    bad[1] = 16;                                           // unsynchronized
                } else {
                    NtpPacket.putLong(bad, 40, 0);                         // zero transmit
                }
                reply.send(bad);                                           // echoes our origin: uses the request up
            }
            reply.send(good);
        }); SntpReference ref = client(server)) {
            assertWithinOwnBound(ref.measure());
            assertEquals(4, server.requests.get(), "requests 1 and 3 were used up by their refused replies");
            assertEquals(4, ref.rejects().count("truncated"));
            assertEquals(1, ref.rejects().count("unsynchronized"));
            assertEquals(1, ref.rejects().count("zero-transmit"));
            assertEquals(4 + 2, ref.rejects().count("wrong-origin"), ref.rejects().counts().toString());
        }
    }

    @Test
    void theNonceIsForgottenOnceMatchedWhateverTheVerdict() throws Exception {
        // issue 9 failure 5: a reply echoing our origin but refused for LI 3 left the nonce live, and a
        // second reply to the same request, an hour off, was accepted.
        long hour = 3_600_000_000_000L;
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] alarm = goodReply(req);
            alarm[0] = (byte) (0xC0 | alarm[0]);
            reply.send(alarm);
            long lie = Epochs.ntp64FromPosixNanos(wall.realtimeNanos() + SHIFT_NANOS + hour);
            reply.send(new NtpPacket(0, 4, 4, 2, 6, -24, 0, 0, 0x7F000001, lie, NtpPacket.getLong(req, 40), lie, lie)
                    .encode());
        }); SntpReference ref = client(server)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(4, ref.rejects().count("leap-alarm"));
            // each second reply meets a used-up request (or none): never a sample
            assertTrue(ref.rejects().count("wrong-origin") >= 3, ref.rejects().counts().toString());
            assertTrue(e.getMessage().startsWith("0 responses in 4 trials from sntp:test; refused: "), e.getMessage());
        }
    }

    @Test
    void aHoldTimeLongerThanTheRoundTripIsRefusedNotClampedToZero() throws Exception {
        // issue 9 failure 1: T3 − T2 > T4 − T1 gave delay 0 and a probe that decided the burst.
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            long now = wall.realtimeNanos() + SHIFT_NANOS;
            long t2 = Epochs.ntp64FromPosixNanos(now - 5_000_000_000_000L);
            long t3 = Epochs.ntp64FromPosixNanos(now + 5_000_000_000_000L);
            reply.send(new NtpPacket(0, 4, 4, 2, 6, -24, 0, 0, 0x7F000001, t3, NtpPacket.getLong(req, 40), t2, t3).encode());
        }); SntpReference ref = client(server)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(4, ref.rejects().count("hold-exceeds-round-trip"), ref.rejects().counts().toString());
            assertEquals("0 responses in 4 trials from sntp:test; refused: hold-exceeds-round-trip 4", e.getMessage());
        }
    }

    @Test
    void oneReplyAnHourOffAmongGoodOnesNeverDecidesTheMeasurement() throws Exception {
        // issue 9 failure 2: three replies near 0 and one an hour off with the least delay gave +3600 s.
        ReferenceConfig four = new ReferenceConfig(4, 4, 200_000_000L, 1_000_000_000L, 37, false, "PST_WWV",
                OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            if (n == 2) {
                // the liar has the least delay of the burst; it used to decide it alone. Now the burst is refused.
                // claims to have held the request for almost all of the round trip: the least delay of the burst
                long t1 = NtpPacket.getLong(req, 40);
                long now = wall.realtimeNanos() + SHIFT_NANOS + 3_600_000_000_000L;
                long t2 = Epochs.ntp64FromPosixNanos(now - 5_000);
                reply.send(new NtpPacket(0, 4, 4, 2, 6, -30, 0, 0, 0x7F000001, t2, t1, t2,
                        Epochs.ntp64FromPosixNanos(now)).encode());
                return;
            }
            reply.send(goodReply(req));
        }); SntpReference ref = new SntpReference("sntp:test", server.address(), four, wall, log)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertTrue(e.getMessage().startsWith("replies from sntp:test disagree beyond their bounds: only 3 of 4 agree"),
                    e.getMessage());
            assertWithinOwnBound(ref.measure());   // the next burst, all good, is measured
        }
    }

    @Test
    void twoRepliesThatDisagreeAreRefusedWithAReason() throws Exception {
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] r = goodReply(req);
            if (n == 2) {
                long lie = Epochs.ntp64FromPosixNanos(wall.realtimeNanos() + SHIFT_NANOS + 3_600_000_000_000L);
                NtpPacket.putLong(r, 32, lie);
                NtpPacket.putLong(r, 40, lie);
            }
            reply.send(r);
        }); SntpReference ref = client(server)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.BAD_REPLY, e.kind);
            assertTrue(e.getMessage().startsWith("replies from sntp:test disagree beyond their bounds: only 1 of 2 agree"),
                    e.getMessage());
            assertEquals(1, log.count("NOTICE replies from sntp:test disagree beyond their bounds"), log.lines.toString());
        }
    }

    @Test
    void sentinelAndOutOfWindowDatesAreRefusedAndLoggedOnce() throws Exception {
        long[] transmit = {0xFFFF_FFFF_FFFF_FFFFL};
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] r = goodReply(req);
            long t = transmit[0] == 1 || transmit[0] == -1 ? transmit[0] : transmit[0] + ((long) n << 20);
            NtpPacket.putLong(r, 32, t);
            NtpPacket.putLong(r, 40, t);
            reply.send(r);
        }); SntpReference ref = client(server)) {
            assertThrows(MeasurementException.class, ref::measure);
            assertEquals(4, ref.rejects().count("sentinel"));
            transmit[0] = 1;   // 0x…01: seconds 0, the other sentinel
            assertThrows(MeasurementException.class, ref::measure);
            assertEquals(8, ref.rejects().count("sentinel"));
            transmit[0] = Epochs.ntp64FromPosixNanos(java.time.Instant.parse("2025-06-01T00:00:00Z").getEpochSecond()
                    * Epochs.NANOS_PER_SECOND);
            assertThrows(MeasurementException.class, ref::measure);
            assertEquals(4, ref.rejects().count("bad-date"));
            assertEquals(1, log.count("NOTICE refusing the date from sntp:test: "), log.lines.toString());
        }
    }
}
