package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import timeslave.time.Sample;
import timeslave.ref.FakeUdpServer;
import timeslave.ref.ListLog;
import timeslave.time.MeasurementException;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.WallTime;
import timeslave.time.Epochs;

/** The -H host reference with a scripted ICMP network and a loopback RFC 868 server. */
class Rfc868IcmpReferenceTest {
    private static final int ID = 0x4242;
    private static final byte[] LOOPBACK = {127, 0, 0, 1};
    private static final byte[] STRANGER = {127, 0, 0, 2};
    private final WallTime wall = new WallTime(0);
    private final ListLog log = new ListLog(1);
    private final Inet4Address host = (Inet4Address) InetAddress.getLoopbackAddress();

    private static ReferenceConfig config(int port) {
        return new ReferenceConfig(4, 8, 100_000_000L, 200_000_000L, port, false, "PST_WWV",
                OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
    }

    /** An RFC 868 server whose clock is shiftNanos ahead of ours. */
    private FakeUdpServer timeServer(long shiftNanos) throws Exception {
        return new FakeUdpServer((n, req, reply) -> reply.send(TimeProtocol.encode(
                Math.floorDiv(wall.realtimeNanos() + shiftNanos, Epochs.NANOS_PER_SECOND))));
    }

    private byte[] good(int id, int seq, long originate, long shiftNanos) {
        long now = FakeIcmpChannel.serverMillis(wall, shiftNanos);
        return IcmpTimestamp.replyDatagram(LOOPBACK, id, seq, originate, now, now);
    }

    /**
     * Without an ICMP socket (not root) the date alone is the sample. Someone else sets the local clock
     * back 0.3 s while the request is out: the realtime round trip is negative, yet within the date's
     * 0.5 s bound, so it reached Sample as a negative delay and the measurement ended as an internal
     * error (IllegalArgumentException in the log). It is refused as local-step.
     */
    @Test
    void aLocalClockSetBackDuringTheExchangeIsRefusedNotAnInternalError() throws Exception {
        timeslave.time.TimeSource steppingBack = new timeslave.time.TimeSource() {
            long reads;

            @Override
            public synchronized long realtimeNanos() {
                return wall.realtimeNanos() - 300_000_000L * reads++;
            }

            @Override
            public long monotonicNanos() {
                return wall.monotonicNanos();
            }
        };
        try (FakeUdpServer ts = timeServer(0);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()),
                     steppingBack, log, null, ID)) {
            MeasurementException e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.UNREACHABLE, e.kind, e.getMessage());
            assertTrue(ref.rejects().counts().getOrDefault("local-step", 0L) > 0, ref.rejects().counts().toString());
        }
    }

    @Test
    void dateAndTimeOfDayJoinIntoAnOffsetOfDaysPlusMilliseconds() throws Exception {
        long shift = 3 * Epochs.NANOS_PER_DAY + 2 * Epochs.NANOS_PER_SECOND + 250_000_000L;
        // the date differs by over 12 h → the date alone is used, as IRIX steps by it
        try (FakeUdpServer ts = timeServer(shift);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()), wall, log,
                     new FakeIcmpChannel(wall, (n, id, seq, o, to) -> List.of(good(id, seq, o, shift))), ID)) {
            Sample s = ref.measure();
            assertEquals(shift, s.offsetNanos(), 600_000_000L);
            assertTrue(s.errorNanos() >= 500_000_000L);
        }
        long small = 2 * Epochs.NANOS_PER_SECOND + 250_000_000L;
        try (FakeUdpServer ts = timeServer(small);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()), wall, log,
                     new FakeIcmpChannel(wall, (n, id, seq, o, to) -> List.of(good(id, seq, o, small))), ID)) {
            Sample s = ref.measure();
            assertEquals(small, s.offsetNanos(), 1_500_000L);
            assertTrue(s.errorNanos() >= Rfc868IcmpReference.ICMP_RESOLUTION_NANOS);
            assertTrue(s.errorNanos() < 10_000_000L, "ICMP precision, not the date's: " + s.errorNanos());
        }
    }

    @Test
    void strayForgedAndStaleRepliesAreRejectedByReason() throws Exception {
        List<byte[]> earlier = new ArrayList<>();
        FakeIcmpChannel net = new FakeIcmpChannel(wall, (n, id, seq, o, to) -> {
            List<byte[]> out = new ArrayList<>();
            out.add(IcmpTimestamp.request(id, seq, o).length == 20 ? ipWrap(IcmpTimestamp.request(id, seq, o)) : null);
            out.add(good(id + 1, seq, o, 0));                                       // someone else's id
            out.add(IcmpTimestamp.replyDatagram(STRANGER, id, seq, o, 5, 5));       // wrong address
            out.add(good(id, seq, (o + 1) % 86_400_000L, 0));                       // originate not ours
            out.add(IcmpTimestamp.replyDatagram(LOOPBACK, id, seq, o, 0x8000_0001L, 0x8000_0001L)); // bit 31
            if (!earlier.isEmpty()) {
                out.add(earlier.get(0));                                            // replay of an old reply
            }
            byte[] g = good(id, seq, o, 0);
            earlier.add(g);
            out.add(g);
            out.add(g);                                                             // duplicate
            return out;
        });
        try (FakeUdpServer ts = timeServer(0);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()), wall, log, net, ID)) {
            assertEquals(0, ref.measure().offsetNanos(), 1_500_000L);
            var c = ref.rejects();
            assertEquals(4, c.count("wrong-source"), c.counts().toString());
            assertEquals(4, c.count("wrong-originate"), c.counts().toString());
            assertEquals(4, c.count("non-standard"), c.counts().toString());
            assertTrue(c.count("wrong-sequence") >= 3, c.counts().toString());   // replays and duplicates
            assertEquals(0, c.count("wrong-type"), "our own requests are not counted as rejects");
            assertTrue(log.count("DEBUG rejected reply from localhost: wrong-originate") >= 1);
        }
    }

    @Test
    void lateReplyCountsForItsOwnProbeNotTheNewest() throws Exception {
        // request 1's reply arrives only after request 2 went out; each is timed against its own send
        List<byte[]> held = new ArrayList<>();
        FakeIcmpChannel net = new FakeIcmpChannel(wall, (n, id, seq, o, to) -> {
            if (n == 1) {
                held.add(good(id, seq, o, 0));
                return List.of();
            }
            List<byte[]> out = new ArrayList<>(held);
            held.clear();
            out.add(good(id, seq, o, 0));
            return out;
        });
        try (FakeUdpServer ts = timeServer(0);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host,
                     new ReferenceConfig(2, 4, 50_000_000L, 200_000_000L, ts.address().getPort(), false, "x",
                             OptionalInt.empty(), Path.of("x")), wall, log, net, ID)) {
            Sample s = ref.measure();
            assertEquals(List.of(1, 2), net.sentSequences);
            assertTrue(Math.abs(s.offsetNanos()) < 60_000_000L, "the late reply is not read as a 50 ms offset: " + s);
        }
    }

    @Test
    void withoutADateIcmpAloneIsUsedAndSaidOnce() throws Exception {
        try (FakeUdpServer silent = new FakeUdpServer((n, req, reply) -> { });
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host,
                     new ReferenceConfig(4, 8, 100_000_000L, 20_000_000L, silent.address().getPort(), false, "x",
                             OptionalInt.empty(), Path.of("x")), wall, log,
                     new FakeIcmpChannel(wall, (n, id, seq, o, to) -> List.of(good(id, seq, o, 7_000_000L))), ID)) {
            assertEquals(7_000_000L, ref.measure().offsetNanos(), 1_500_000L);
            ref.measure();
            assertEquals(1, log.count("NOTICE no date from localhost (time service)"), log.lines.toString());
            assertEquals(1, log.count("NOTICE using ICMP timestamps alone for localhost"), log.lines.toString());
            assertEquals(2, silent.requests.get() / TimeService.UDP_TRIES, "3 UDP tries per measurement");
        }
    }

    @Test
    void dateAndIcmpThatDisagreeAreRefused() throws Exception {
        try (FakeUdpServer ts = timeServer(5 * Epochs.NANOS_PER_SECOND);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()), wall, log,
                     new FakeIcmpChannel(wall, (n, id, seq, o, to) -> List.of(good(id, seq, o, 0))), ID)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.BAD_REPLY, e.kind);
            assertTrue(e.getMessage().startsWith("localhost: date-mismatch: time service says ") && e.getMessage().contains(", ICMP gives "), e.getMessage());
            assertEquals(1, ref.rejects().count("date-mismatch"));
        }
    }

    @Test
    void tooFewIcmpRepliesFailThePass() throws Exception {
        try (FakeUdpServer ts = timeServer(0);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()), wall, log,
                     new FakeIcmpChannel(wall, (n, id, seq, o, to) -> n % 3 == 0 ? List.of(good(id, seq, o, 0)) : List.of()), ID)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.UNREACHABLE, e.kind);
            assertEquals("2 responses in 8 trials from localhost", e.getMessage());
        }
    }

    private static byte[] ipWrap(byte[] icmp) {
        byte[] d = new byte[20 + icmp.length];
        d[0] = 0x45;
        d[9] = 1;
        System.arraycopy(LOOPBACK, 0, d, 12, 4);
        System.arraycopy(icmp, 0, d, 20, icmp.length);
        return d;
    }

    @Test
    void anIcmpHoldTimeLongerThanTheRoundTripIsRefusedAndOneLiarNeverDecides() throws Exception {
        // one reply in four claims a 20 s hold: refused, never clamped to delay 0; the others decide
        long hour = 3_600_000_000_000L;
        FakeIcmpChannel net = new FakeIcmpChannel(wall, (n, id, seq, o, to) -> {
            if (n == 2) {
                long r = FakeIcmpChannel.serverMillis(wall, hour - 10 * Epochs.NANOS_PER_SECOND);
                return List.of(IcmpTimestamp.replyDatagram(LOOPBACK, id, seq, o, r, (r + 20_000) % 86_400_000L));
            }
            return List.of(good(id, seq, o, 0));
        });
        try (FakeUdpServer ts = timeServer(0);
             Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()), wall, log, net, ID)) {
            Sample s = ref.measure();
            assertEquals(0, s.offsetNanos(), 1_500_000L);
            assertEquals(1, ref.rejects().count("hold-exceeds-round-trip"), ref.rejects().counts().toString());
        }
    }

    @Test
    void randomDateBytesAreRefusedWithOneLineAndTheDateIsNotUsed() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(868);
        try (FakeUdpServer ts = new FakeUdpServer((n, req, reply) -> {
            long v;
            do {
                v = random.nextLong(1L << 32);   // a value that falls outside the window, as most do
            } while (Epochs.outsideSaneWindow(Epochs.posixSecondsFromWire32(v, Epochs.eraPivotPosixSeconds(
                    wall.realtimeNanos() / Epochs.NANOS_PER_SECOND)) * Epochs.NANOS_PER_SECOND, wall.realtimeNanos()) == null);
            reply.send(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        }); Rfc868IcmpReference ref = new Rfc868IcmpReference("localhost", host, config(ts.address().getPort()), wall, log,
                     new FakeIcmpChannel(wall, (n, id, seq, o, to) -> List.of(good(id, seq, o, 0))), ID)) {
            for (int i = 0; i < 3; i++) {
                Sample s = ref.measure();
                assertEquals(0, s.offsetNanos(), 1_500_000L, "ICMP alone, the local date assumed right");
            }
            assertEquals(3, ref.rejects().count("bad-date"), ref.rejects().counts().toString());
            assertEquals(1, log.count("NOTICE refusing the date from localhost: "), log.lines.toString());
            assertEquals(3, ts.requests.get(), "a refused date is not asked for again in the same pass");
        }
    }
}
