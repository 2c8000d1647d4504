package timeslave.ref.taiclock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import timeslave.time.Sample;
import timeslave.ref.FakeUdpServer;
import timeslave.ref.ListLog;
import timeslave.time.MeasurementException;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.WallTime;
import timeslave.time.LeapSeconds;

/** TaiclockReference against a taiclockd-like server of our own on loopback. */
class TaiclockReferenceTest {
    private static final ReferenceConfig CONFIG = new ReferenceConfig(3, 6, 200_000_000L, 1_000_000_000L, 37, false,
            "PST_WWV", OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
    private static final long SHIFT_NANOS = -1_250_000_000L;
    private final WallTime wall = new WallTime(0);
    private final ListLog log = new ListLog(2);

    /** taiclockd 0.62 on a UTC machine whose clock is SHIFT_NANOS off ours. */
    private FakeUdpServer taiclockd(TaiScale scale) throws Exception {
        return new FakeUdpServer((n, req, reply) -> {
            byte[] r = TaiclockPacket.reply(req, scale.fromPosixNanos(wall.realtimeNanos() + SHIFT_NANOS));
            if (r != null) {
                reply.send(r);
            }
        });
    }

    /**
     * The true offset must lie within the sample's own bound; a fixed window would fail on a loaded
     * machine, where loopback delays (and with them the honest bound) grow.
     */
    static void assertWithinBound(long trueOffsetNanos, Sample s) {
        assertTrue(Math.abs(s.offsetNanos() - trueOffsetNanos) <= s.errorNanos(),
                "true offset " + trueOffsetNanos + " ns outside " + s);
        assertTrue(s.errorNanos() < 50_000_000L, "bound not absurdly wide: " + s);
    }

    /**
     * Someone else sets the local clock back while a request is out (each read 2 s earlier than the one
     * before): the round trip on the realtime clock is negative. The reply is refused (local-step), where
     * it used to reach Sample as a negative delay and end the measurement as an internal error
     * (IllegalArgumentException in the log).
     */
    @Test
    void aLocalClockSetBackDuringTheExchangeIsRefusedNotAnInternalError() throws Exception {
        timeslave.time.TimeSource steppingBack = new timeslave.time.TimeSource() {
            long reads;

            @Override
            public synchronized long realtimeNanos() {
                return wall.realtimeNanos() - 2_000_000_000L * reads++;
            }

            @Override
            public long monotonicNanos() {
                return wall.monotonicNanos();
            }
        };
        try (FakeUdpServer server = taiclockd(TaiScale.posixPlus10());
             TaiclockReference ref = new TaiclockReference("tai:test", server.address(), TaiScale.posixPlus10(), CONFIG,
                     steppingBack, log)) {
            timeslave.time.MeasurementException e = org.junit.jupiter.api.Assertions.assertThrows(
                    timeslave.time.MeasurementException.class, ref::measure);
            assertTrue(e.getMessage().contains("refused: local-step"), e.getMessage());
        }
    }

    /** Issue 12: a closed port is its ICMP port unreachable at the first trial, not -T trials of -w. */
    @Test
    void aClosedPortIsUnreachableAtOnce() throws Exception {
        ReferenceConfig slow = new ReferenceConfig(3, 6, 2_000_000_000L, 1_000_000_000L, 37, false,
                "PST_WWV", OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
        try (TaiclockReference ref = new TaiclockReference("tai:closed",
                timeslave.ref.ClosedPort.udp(java.net.InetAddress.getLoopbackAddress()), TaiScale.posixPlus10(), slow, wall,
                log)) {
            long start = System.nanoTime();
            timeslave.time.MeasurementException e = org.junit.jupiter.api.Assertions.assertThrows(
                    timeslave.time.MeasurementException.class, ref::measure);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(timeslave.time.MeasurementException.Kind.UNREACHABLE, e.kind);
            assertEquals("port unreachable: tai:closed (ICMP, after 1 trial)", e.getMessage());
            assertTrue(tookMillis < 1_500, tookMillis + " ms; one -w is 2000");
        }
    }

    @Test
    void measuresATaiclockdOnAUtcMachine() throws Exception {
        try (FakeUdpServer server = taiclockd(TaiScale.posixPlus10());
             TaiclockReference ref = new TaiclockReference("tai:test", server.address(), TaiScale.posixPlus10(), CONFIG, wall, log)) {
            Sample s = ref.measure();
            assertWithinBound(SHIFT_NANOS, s);
            assertTrue(s.errorNanos() >= s.delayNanos() / 2 + TaiclockReference.SERVER_RESOLUTION_NANOS);
            assertEquals(3, server.requests.get());
        }
    }

    @Test
    void trueTaiSourceNeedsTheTrueTaiScale() throws Exception {
        TaiScale tai = TaiScale.trueTai(LeapSeconds.load(Path.of("etc/leap-seconds.list")));
        try (FakeUdpServer server = taiclockd(tai);
             TaiclockReference right = new TaiclockReference("taitrue:test", server.address(), tai, CONFIG, wall, log);
             TaiclockReference wrong = new TaiclockReference("tai:test", server.address(), TaiScale.posixPlus10(), CONFIG, wall, log)) {
            assertWithinBound(SHIFT_NANOS, right.measure());
            assertWithinBound(SHIFT_NANOS + 27_000_000_000L, wrong.measure());   // 37 − 10 s apart
        }
    }

    @Test
    void forgedAndStrayRepliesAreRejected() throws Exception {
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> {
            byte[] good = TaiclockPacket.reply(req, TaiScale.posixPlus10().fromPosixNanos(wall.realtimeNanos()));
            reply.sendFromOtherPort(good);
            byte[] forged = good.clone();
            forged[25] ^= 0x55;
            reply.send(forged);
            reply.send(good);
            reply.send(good);   // duplicate: the cookie was already used
        }); TaiclockReference ref = new TaiclockReference("tai:test", server.address(), TaiScale.posixPlus10(), CONFIG, wall, log)) {
            assertEquals(0, ref.measure().offsetNanos(), 1_000_000);
            assertTrue(ref.rejects().count("wrong-source") >= 3, ref.rejects().counts().toString());
            assertTrue(ref.rejects().count("wrong-cookie") >= 3, ref.rejects().counts().toString());
        }
    }

    @Test
    void silenceIsUnreachable() throws Exception {
        try (FakeUdpServer server = new FakeUdpServer((n, req, reply) -> { });
             TaiclockReference ref = new TaiclockReference("tai:test", server.address(), TaiScale.posixPlus10(),
                     new ReferenceConfig(1, 2, 30_000_000L, 1, 37, false, "x", OptionalInt.empty(), Path.of("x")), wall, log)) {
            var e = assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.UNREACHABLE, e.kind);
            assertEquals("0 responses in 2 trials from tai:test", e.getMessage());
        }
    }
}
