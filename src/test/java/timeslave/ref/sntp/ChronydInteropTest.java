package timeslave.ref.sntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.time.Sample;
import timeslave.ref.ExternalServer;
import timeslave.ref.ListLog;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.References;
import timeslave.ref.WallTime;

/**
 * Interop with chronyd (not our code) as an NTP server on a loopback port, run with -x so it never
 * touches the clock, its time shifted +2.5 s by libfaketime: we must measure +2.5 s ± 1 ms.
 */
class ChronydInteropTest {
    static final long SHIFT_NANOS = 2_500_000_000L;
    /** Interop tolerance from the issue: ±1 ms around the configured shift. */
    static final long TOLERANCE_NANOS = 1_000_000L;

    static ExternalServer startChronyd(Path dir, int port, String faketime) throws Exception {
        return ExternalServer.chronyd(dir, port, faketime);
    }

    static ReferenceConfig config() {
        return new ReferenceConfig(4, 16, 500_000_000L, 1_000_000_000L, 37, false, "PST_WWV",
                java.util.OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
    }

    @Test
    @Timeout(30)
    void chronydUnderFaketimeMeasuresPlus2500ms(@TempDir Path dir) throws Exception {
        int port = ExternalServer.freeUdpPort();
        ListLog log = new ListLog(0);
        try (ExternalServer chronyd = startChronyd(dir, port, "+2.5");
             Reference ref = References.network("sntp:127.0.0.1:" + port, config(), new WallTime(0), log)) {
            assertEquals("sntp:127.0.0.1:" + port, ref.name());
            Sample s = measureWhenUp(ref, chronyd);
            System.out.println("chronyd under FAKETIME=+2.5: " + timeslave.ref.OnceLine.format(s));
            assertEquals(SHIFT_NANOS, s.offsetNanos(), TOLERANCE_NANOS, "measured " + s);
            assertTrue(s.errorNanos() < TOLERANCE_NANOS, "bound " + s.errorNanos());
            assertTrue(Math.abs(s.offsetNanos() - SHIFT_NANOS) <= s.errorNanos() + 50_000,
                    "the truth lies (nearly) within the bound: " + s);
        }
    }

    @Test
    @Timeout(40)
    void withoutFaketimeTheOffsetIsZeroAndARestartedServerIsMeasuredAgain(@TempDir Path dir) throws Exception {
        int port = ExternalServer.freeUdpPort();
        ListLog log = new ListLog(1);
        ReferenceConfig quick = new ReferenceConfig(4, 8, 100_000_000L, 1_000_000_000L, 37, false, "PST_WWV",
                java.util.OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
        try (Reference ref = References.network("sntp:127.0.0.1:" + port, quick, new WallTime(0), log)) {
            try (ExternalServer chronyd = startChronyd(dir, port, null)) {
                Sample s = measureWhenUp(ref, chronyd);
                System.out.println("chronyd without faketime: " + timeslave.ref.OnceLine.format(s));
                assertTrue(Math.abs(s.offsetNanos()) < TOLERANCE_NANOS, "the +2.5 s comes from faketime alone: " + s);
            }
            var down = org.junit.jupiter.api.Assertions.assertThrows(MeasurementException.class, ref::measure);
            assertEquals(MeasurementException.Kind.UNREACHABLE, down.kind);
            assertTrue(log.count("NOTICE port unreachable: sntp:127.0.0.1:" + port + " (ICMP, after 1 trial)") >= 1,
                    "chronyd gone, its port is closed: " + log.lines);
            long againBefore = log.count("DEBUG sntp:127.0.0.1:" + port + " answers again");
            try (ExternalServer chronyd = startChronyd(dir, port, null)) {
                assertTrue(Math.abs(measureWhenUp(ref, chronyd).offsetNanos()) < TOLERANCE_NANOS);
                assertEquals(againBefore + 1, log.count("DEBUG sntp:127.0.0.1:" + port + " answers again"),
                        log.lines.toString());
            }
        }
    }

    /**
     * chronyd needs a moment to bind; measure until it answers, for up to 20 s. Until it binds its port is
     * closed, which fails a measurement at once (ICMP port unreachable), so the retries are paced here.
     */
    static Sample measureWhenUp(Reference ref, ExternalServer server) throws Exception {
        MeasurementException last = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertTrue(server.alive(), "server exited: " + server.output());
            try {
                return ref.measure();
            } catch (MeasurementException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        throw new AssertionError("server never answered: " + server.output(), last);
    }
}
