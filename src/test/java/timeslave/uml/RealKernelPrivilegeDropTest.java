package timeslave.uml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.uml.GuestCommands.KernelState;

/**
 * {@code -u nobody} on a real kernel: the daemon, started as root in a guest whose clock is 0.5 s behind
 * a master running 50 ppm fast, becomes nobody keeping only CAP_SYS_TIME, and still steps, slews and
 * sets the frequency of the guest kernel's clock (the oracle sees the step and the convergence, the
 * kernel's frequency moves toward +50 ppm, the process's uid in the guest is 65534).
 */
class RealKernelPrivilegeDropTest {
    static final int RUN_SECONDS = 90;
    static final int NOBODY = 65534;

    @Test
    @Timeout(RUN_SECONDS + 120)
    void aDaemonRunningAsNobodyStillDisciplinesTheGuestClock(@TempDir Path dir) throws Exception {
        Tap.assumeTaps();
        assumeTrue(Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("nobody:x:" + NOBODY + ":")),
                "needs user nobody with uid " + NOBODY + " (the guest shares this machine's /etc)");
        try (Tap tap = Tap.create(); TapMaster master = TapMaster.start(dir, tap, true)) {
            String adjtimex = GuestCommands.adjtimex();
            // The timetrim directory is nobody's: after the switch only nobody's own rights remain. -t 1: a
            // burst of four spans 6 s, 300 µs at 50 ppm, and is refused as disagreeing until the frequency is known.
            String run = "mkdir trim && chown " + NOBODY + " trim\n"
                    + "timeout -s TERM " + RUN_SECONDS + " " + GuestCommands.timeslave() + " -B -d -H " + master.sntpName()
                    + " -r 5 -t 1 -u nobody --syslog none -P trim/timetrim > daemon.log 2>&1 &\n"
                    + "D=$!\n"
                    + "sleep " + (RUN_SECONDS - 10) + "\n"
                    + "for p in $(pgrep -P $D); do grep '^Uid:' /proc/$p/status; done > uid.log\n"
                    + adjtimex + " -p | tr -s ' \\n' ' ' > kstate.log\n"
                    + "wait $D\n"
                    + "echo \"daemon exited $?\"\n";
            List<GuestClock.Reading> readings = new ArrayList<>();
            try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).tap(tap).shiftNanos(TapMaster.SHIFT_NANOS - 500_000_000L))) {
                Oracle.follow(g, master, readings, RUN_SECONDS + 60);
                String log = g.read("daemon.log");
                String why = g.diagnostics() + "\n" + log + "\nuid: " + g.read("uid.log") + "\nkernel: " + g.read("kstate.log");
                System.out.println(why);
                assertTrue(log.lines().anyMatch(l -> l.matches(
                        "(\\S+ )?timeslave: running as user nobody \\(uid 65534, gid \\d+\\) keeping cap_sys_time.*")), why);
                String uid = g.read("uid.log").strip();
                assertTrue(uid.matches("Uid:\\s+65534\\s+65534\\s+65534\\s+65534"), "the daemon runs as nobody: " + why);
                assertEquals(1, log.lines().filter(l -> l.contains("clock stepped by")).count(), "one step as nobody: " + why);
                Oracle oracle = new Oracle(master, readings);
                double last = oracle.offsetAt(oracle.size() - 1);
                assertTrue(Math.abs(last) < 1_000_000, "converged within 1 ms after the step: " + last + " ns\n" + why);
                KernelState k = GuestCommands.parse(g.read("kstate.log") + "\n").get(0);
                assertTrue(k.freqPpm() > 25 && k.freqPpm() < 75,
                        "the kernel's frequency set toward +50 ppm by nobody: " + k.line() + "\n" + why);
            }
        }
    }
}
