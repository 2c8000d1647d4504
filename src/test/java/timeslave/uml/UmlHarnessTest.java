package timeslave.uml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness itself: the guest boots, runs, powers off; the oracle agrees with the guest's own clock reads. */
class UmlHarnessTest {

    @Test
    @Timeout(120)
    void oracleReadsWhatTheGuestReadsAndTheGuestCannotReachTheHostClock() throws Exception {
        String run = "i=0; while [ $i -lt 20 ]; do a=$(cat /proc/uptime); t=$(date +%s%N); echo \"read $t\"; i=$((i+1)); sleep 0.2; done\n"
                + "grep CapBnd /proc/1/status\n";
        try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).shiftNanos(-500_000_000L))) {
            List<long[]> oracle = new ArrayList<>();
            try (GuestClock clock = g.clock()) {
                long hostCapBnd = Long.parseLong(Files.readAllLines(Path.of("/proc", "" + g.pid(), "status")).stream()
                        .filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().split("\\s+")[1], 16);
                assertEquals(0, hostCapBnd & (1L << 25), "linux.uml must not hold CAP_SYS_TIME on the host");
                while (g.alive()) {
                    GuestClock.Reading r = clock.read();
                    oracle.add(new long[]{r.guestRealtimeNanos(), r.hostRealtimeNanos()});
                    Thread.sleep(20);
                }
            } catch (java.io.IOException e) {
                if (g.alive()) {
                    throw e;
                }
            }
            assertTrue(g.waitFor(60), g.diagnostics());
            System.out.println(g.output());
            System.out.println("oracle readings: " + oracle.size());
            long[] last = oracle.get(oracle.size() / 2);
            System.out.println("guest - host at mid run: " + (last[0] - last[1]) + " ns");
        }
    }
}
