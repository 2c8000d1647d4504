package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import timeslave.time.ClockException;

/** The read path (modes = 0) of the real binding against adjtimex(8); nothing here writes. */
class LinuxClockReadTest {

    private static Map<String, Long> adjtimexP() throws IOException, InterruptedException {
        Path bin = Path.of(timeslave.ref.ExternalServer.ADJTIMEX);
        assumeTrue(Files.isExecutable(bin), "adjtimex(8) is not installed (Debian package adjtimex)");
        Process p = new ProcessBuilder(bin.toString(), "-p").redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Map<String, Long> m = new HashMap<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] kv = line.trim().split(":\\s*", 2);
            if (kv.length == 2 && kv[1].matches("-?[0-9]+")) {
                m.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return m;
    }

    @Test
    void readAgreesWithAdjtimex() throws Exception {
        LinuxClock clock = LinuxClock.system();
        Map<String, Long> before = adjtimexP();
        Timex tx = clock.read();
        Map<String, Long> after = adjtimexP();
        assertEquals(before.get("frequency"), tx.freq.longValue(), "freq (2^-16 ppm)");
        assertEquals(before.get("tick"), tx.tick.longValue(), "tick (µs)");
        assertEquals(before.get("status"), (long) tx.status, "status");
        assertEquals(before.get("tolerance"), tx.tolerance.longValue(), "tolerance");
        long maxerror = tx.maxerror.longValue();
        // the kernel adds 500 µs/s to maxerror; allow 10 s of it between the two adjtimex runs
        assertTrue(maxerror >= before.get("maxerror") - 5_000 && maxerror <= after.get("maxerror") + 5_000,
                "maxerror " + maxerror + " µs between " + before.get("maxerror") + " and " + after.get("maxerror"));
        double expectedNsPerSec = before.get("frequency") / 65.536 + (before.get("tick") - 10_000) * 100_000.0;
        assertEquals(expectedNsPerSec, clock.frequency(), 1e-6);
    }

    @Test
    void realtimeAndMonotonicRead() {
        LinuxClock clock = LinuxClock.system();
        long a = clock.monotonicNanos();
        long b = clock.monotonicNanos();
        assertTrue(b >= a);
        assertTrue(Math.abs(clock.realtimeNanos() - System.currentTimeMillis() * 1_000_000L) < 1_000_000_000L);
    }

    @Test
    void errnoComesBackFromTheKernel() throws ClockException {
        NativeTimexCall call = new NativeTimexCall();
        assertEquals(-1, call.clockAdjtime(999_999, new Timex()), "an unknown clock id is refused");
        assertEquals(Libc.EINVAL, call.lastErrno());
    }

    @Test
    void testsRunWithClockWritesForbidden() {
        assertTrue(new NativeTimexCall().writesForbidden(),
                "Surefire sets timeslave.forbidClockWrites=true; CI also sets TIMESLAVE_FORBID_CLOCK_WRITES");
    }

    @Test
    void theRealBindingRefusesWritesWhenForbidden() {
        NativeTimexCall forbidden = new NativeTimexCall(true);
        for (int modes : new int[] {Timex.ADJ_FREQUENCY, Timex.ADJ_SETOFFSET | Timex.ADJ_NANO,
            Timex.ADJ_OFFSET_SINGLESHOT, Timex.ADJ_STATUS, Timex.ADJ_TICK}) {
            Timex tx = new Timex();
            tx.modes = modes;
            ClockException e = assertThrows(ClockException.class, () -> forbidden.clockAdjtime(0, tx));
            assertTrue(e.getMessage().contains("refused") && e.getMessage().contains(Timex.modeNames(modes)),
                    e.getMessage());
        }
        LinuxClock clock = new LinuxClock(forbidden, new SystemTime());
        assertThrows(ClockException.class, () -> clock.step(1));
        assertThrows(ClockException.class, () -> clock.slew(1));
        assertThrows(ClockException.class, () -> clock.setLeap(timeslave.time.SystemClock.Leap.NONE));
    }
}
