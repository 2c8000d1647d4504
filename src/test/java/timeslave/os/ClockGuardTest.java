package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.ref.ListLog;
import timeslave.time.ClockException;
import timeslave.time.SystemClock;

/** Another time daemon on the same clock: found in /proc, or by the frequency moving under us. */
class ClockGuardTest {
    @TempDir
    Path dir;

    final ListLog log = new ListLog(0);
    final List<String> others = new ArrayList<>();
    boolean pll;

    /** A clock whose writes are recorded; {@code frequency} may be changed behind its back. */
    static final class Recording implements SystemClock {
        final List<String> writes = new ArrayList<>();
        long mono = 1_000_000_000_000L;
        double frequency;

        @Override
        public void step(long offsetNanos) {
            writes.add("step " + offsetNanos);
        }

        @Override
        public void slew(long offsetNanos) {
            writes.add("slew " + offsetNanos);
        }

        @Override
        public void setFrequency(double nsPerSec) {
            writes.add("frequency " + Math.round(nsPerSec));
            frequency = nsPerSec;
        }

        @Override
        public double frequency() {
            return frequency;
        }

        @Override
        public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) {
            writes.add("estimates");
        }

        @Override
        public void setLeap(Leap leap) {
            writes.add("leap " + leap);
        }

        @Override
        public long realtimeNanos() {
            return mono;
        }

        @Override
        public long monotonicNanos() {
            return mono;
        }
    }

    final Recording clock = new Recording();

    ClockGuard guard(boolean force, boolean throwing) {
        return new ClockGuard(clock, new ClockGuard.Probe() {
            @Override
            public List<String> otherDaemons() {
                return List.copyOf(others);
            }

            @Override
            public boolean kernelPll() {
                return pll;
            }
        }, log, force, throwing);
    }

    @Test
    void theProcessesAreFoundByTheirNamesInProc() throws Exception {
        for (String[] p : new String[][] {{"812", "chronyd"}, {"9", "systemd-timesyn"}, {"77", "bash"}, {"5", "ntpd"},
                {"1234", "chronyd"}, {"self", "chronyd"}}) {
            Files.createDirectories(dir.resolve(p[0]));
            Files.writeString(dir.resolve(p[0]).resolve("comm"), p[1] + "\n");
        }
        Files.createDirectories(dir.resolve("66"));   // a process that ended: no comm
        assertEquals(List.of("ntpd[5]", "systemd-timesyncd[9]", "chronyd[812]"), OtherTimeDaemons.find(dir, 1234));
    }

    @Test
    void aRealChronydIsFound() throws Exception {
        Path copy = dir.resolve("chronyd");
        Files.copy(Path.of("/bin/sleep"), copy);
        copy.toFile().setExecutable(true);
        Process p = new ProcessBuilder(copy.toString(), "30").start();
        try {
            assertTrue(OtherTimeDaemons.find(OtherTimeDaemons.PROC, ProcessHandle.current().pid())
                    .contains("chronyd[" + p.pid() + "]"));
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void whileAnotherDaemonRunsNothingIsWrittenAndOneLineSaysWhy() throws Exception {
        others.add("chronyd[812]");
        ClockGuard g = guard(false, false);
        g.check();
        g.setFrequency(1_000);
        g.slew(5_000);
        g.step(2_000_000_000L);
        g.setErrorEstimates(1, 1, true);
        assertEquals(List.of(), clock.writes);
        assertEquals(List.of("ERR another time daemon adjusts this clock: chronyd[812]; not adjusting it (--force adjusts anyway)"),
                log.lines);
        others.clear();
        clock.mono += ClockGuard.SCAN_INTERVAL_NANOS;
        g.setFrequency(1_000);
        assertEquals(List.of("frequency 1000"), clock.writes);
        assertEquals("NOTICE no other time daemon adjusts this clock any more; adjusting it again", log.lines.get(1));
    }

    @Test
    void theKernelPllCountsAsAnotherDaemon() throws Exception {
        pll = true;
        ClockGuard g = guard(false, false);
        g.slew(5);
        assertEquals(List.of(), clock.writes);
        assertEquals("ERR another time daemon adjusts this clock: the kernel PLL (STA_PLL); not adjusting it (--force adjusts anyway)",
                log.lines.get(0));
    }

    @Test
    void forceAdjustsAnywayAndSaysSo() throws Exception {
        others.add("ntpd[5]");
        ClockGuard g = guard(true, false);
        g.check();
        g.step(7);
        assertEquals(List.of("step 7"), clock.writes);
        assertEquals(List.of("WARNING another time daemon adjusts this clock: ntpd[5]; adjusting it anyway (--force)"), log.lines);
    }

    @Test
    void onceSetIsRefusedWithAnErrorNotAFalseClaim() {
        others.add("chronyd[812]");
        ClockGuard g = guard(false, true);
        ClockException e = assertThrows(ClockException.class, () -> g.step(2_000_000_000L));
        assertEquals("another program adjusts this clock (chronyd[812]); --force adjusts anyway", e.getMessage());
        assertEquals(List.of(), clock.writes);
    }

    @Test
    void aFrequencyChangedBetweenOurWritesStopsTheAdjustments() throws Exception {
        ClockGuard g = guard(false, false);
        g.setFrequency(-12_000);
        clock.frequency = 3_500;   // someone else wrote it
        g.setFrequency(-12_100);
        g.slew(100);
        assertEquals(List.of("frequency -12000"), clock.writes);
        assertEquals(List.of("ERR clock frequency changed by someone else: -12000 ns/s written, 3500 ns/s found; another"
                + " program adjusts this clock; not adjusting it until restarted (--force adjusts anyway)"), log.lines);
    }

    @Test
    void ourOwnWritesAreNotMistakenForSomeoneElses() throws Exception {
        ClockGuard g = guard(false, false);
        for (int i = 0; i < 5; i++) {
            g.setFrequency(-12_000 + i * 0.4);
            g.slew(i);
        }
        assertEquals(10, clock.writes.size());
        assertEquals(List.of(), log.lines);
    }
}
