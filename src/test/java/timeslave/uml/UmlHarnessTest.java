package timeslave.uml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness itself: a guest boots, runs its script and powers off; linux.uml holds no CAP_SYS_TIME
 * on the host; the oracle reads the guest's clock (0.5 s behind the host's, as set inside the guest),
 * in agreement with what the guest itself reads; it runs on the host CPU it was given.
 */
class UmlHarnessTest {
    static final int READS = 10;
    /**
     * How far the guest's own reading and the oracle's at the file's modification time (the host's
     * clock when hostfs wrote it) may differ: the guest's read, fork and write in between, ns.
     */
    static final long AGREEMENT_NANOS = 50_000_000;

    @Test
    @Timeout(120)
    void oracleReadsTheGuestsClockAndTheGuestCannotReachTheHostClock() throws Exception {
        String run = "i=0; while [ $i -lt " + READS + " ]; do date +%s%N > read$i; i=$((i+1)); sleep 0.2; done\n";
        List<GuestClock.Reading> readings = new ArrayList<>();
        int cpu = Runtime.getRuntime().availableProcessors() - 1;
        try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).shiftNanos(-500_000_000L).cpu(cpu))) {
            // Until setpriv has dropped the capability and executed linux.uml, the PID is setpriv's.
            for (int i = 0; i < 100 && !Files.readSymbolicLink(Path.of("/proc", "" + g.pid(), "exe")).endsWith("linux.uml"); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.readSymbolicLink(Path.of("/proc", "" + g.pid(), "exe")).endsWith("linux.uml"), g.diagnostics());
            long capBnd = Long.parseLong(Files.readAllLines(Path.of("/proc", "" + g.pid(), "status")).stream()
                    .filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().split("\\s+")[1], 16);
            assertEquals(0, capBnd & (1L << 25), "linux.uml must not hold CAP_SYS_TIME (bit 25) on the host");
            assertEquals("" + cpu, UdpRelay.allowedCpus(Path.of("/proc", "" + g.pid())), "Spec.cpu");
            Oracle.follow(g, null, readings, 90);
            assertTrue(g.output().contains("guest: run.sh exited 0"), g.diagnostics());
            for (int i = 0; i < 50 && !g.processes().isEmpty(); i++) {
                Thread.sleep(100);
            }
            assertTrue(g.processes().isEmpty(), "nothing of the guest is left after power-off: " + g.processes());
            GuestClock.Reading mid = readings.get(readings.size() / 2);
            long guestMinusHost = mid.guestRealtimeNanos() - mid.hostRealtimeNanos();
            assertEquals(-500_000_000L, guestMinusHost, 100_000_000L, "the oracle sees the guest's shifted clock");
            for (int i = 0; i < READS; i++) {
                Path f = g.scratch().resolve("read" + i);
                long guestRead = Long.parseLong(Files.readString(f).strip());
                FileTime written = Files.getLastModifiedTime(f);
                long hostWrite = written.to(TimeUnit.NANOSECONDS);
                long oracleGuest = guestAtHost(readings, hostWrite);
                assertEquals(oracleGuest, guestRead, AGREEMENT_NANOS, "read " + i + ": guest " + guestRead
                        + ", oracle at the write " + oracleGuest);
            }
        }
    }

    /** The guest's clock at a host real time, interpolated between the oracle's readings. */
    static long guestAtHost(List<GuestClock.Reading> r, long hostRealtimeNanos) {
        for (int i = 1; i < r.size(); i++) {
            GuestClock.Reading a = r.get(i - 1);
            GuestClock.Reading b = r.get(i);
            if (b.hostRealtimeNanos() >= hostRealtimeNanos) {
                double f = (double) (hostRealtimeNanos - a.hostRealtimeNanos()) / (b.hostRealtimeNanos() - a.hostRealtimeNanos());
                return a.guestRealtimeNanos() + Math.round(f * (b.guestRealtimeNanos() - a.guestRealtimeNanos()));
            }
        }
        throw new AssertionError("no oracle reading after host time " + hostRealtimeNanos);
    }
}
