package timeslave.uml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.uml.GuestCommands.KernelState;

/**
 * The daemon (not -m) disciplining a real Linux kernel's clock: a User-Mode Linux guest whose clock
 * starts 0.5 s behind a master that runs 50 ppm fast (chronyd -x under libfaketime on the host end
 * of a tap). The truth comes from the oracle ({@link GuestClock}), never from the daemon.
 */
class RealKernelDaemonTest {
    /** How long the daemon runs in the guest: JVM start, the step, and about 35 -r 5 measurements: enough for the timetrim's skew to fall below 1 ppm, when it is first saved. */
    static final int RUN_SECONDS = 200;
    /** The master's true frequency against the guest's oscillator, ns/s. */
    static final double TRUE_TRIM_NS_PER_SEC = (TapMaster.RATE - 1) * 1e9;

    @Test
    @Timeout(RUN_SECONDS + 120)
    void daemonStepsOnceConvergesStaysWithinItsBoundAndWritesTheTimetrim(@TempDir Path dir) throws Exception {
        Tap.assumeTaps();
        try (Tap tap = Tap.create(); TapMaster master = TapMaster.start(dir, tap, true)) {
            String adjtimex = GuestCommands.adjtimex();
            String run = GuestCommands.kernelStateLoop("kstate.log")
                    + "timeout -s TERM " + RUN_SECONDS + " " + GuestCommands.timeslave() + " -B -d -H " + master.sntpName()
                    + " -r 5 -u root --syslog none -P timetrim > daemon.log 2>&1\n"
                    + "echo \"daemon exited $?\"\n"
                    + "sleep 2\n"
                    + adjtimex + " -p | tr -s ' \\n' ' ' > after-term.log\n"
                    + "kill $KSTATE\n";
            List<GuestClock.Reading> readings = new ArrayList<>();
            try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).tap(tap).shiftNanos(TapMaster.SHIFT_NANOS - 500_000_000L))) {
                Oracle.follow(g, master, readings, RUN_SECONDS + 60);
                String log = g.read("daemon.log");
                Oracle oracle = new Oracle(master, readings);
                List<KernelState> states = GuestCommands.parse(g.read("kstate.log"));
                String report = oracle.summary() + "\n" + String.join("\n", states.stream().map(s -> oracle.describe(s)).toList());
                System.out.println(g.output() + "\n" + log + "\n" + report + "\nafter SIGTERM: " + g.read("after-term.log"));
                String why = g.diagnostics() + "\n" + log + "\n" + report;

                assertEquals(1, log.lines().filter(l -> l.contains("clock stepped by")).count(), "exactly one step: " + why);
                int first = 0;
                while (first < states.size() && states.get(first).unsync()) {
                    first++;
                }
                assertTrue(first < states.size() - 20, "synchronised early enough to judge: " + why);
                // The last two records may come after SIGTERM.
                for (KernelState s : states.subList(first, states.size() - 2)) {
                    assertFalse(s.unsync(), "STA_UNSYNC stays clear once synchronised: " + s.line());
                    assertTrue(s.estErrorMicros() > 0 && s.estErrorMicros() < s.maxErrorMicros(), "esterror set: " + s.line());
                    double truth = oracle.guestMinusMasterAtGuest(s.guestSeconds());
                    assertTrue(Math.abs(truth) <= s.maxErrorMicros() * 1000.0 + Oracle.ORACLE_SLACK_NANOS,
                            "true offset " + Math.round(truth) + " ns beyond the published maxerror: " + s.line() + "\n" + why);
                }
                java.util.regex.Matcher tm = java.util.regex.Pattern.compile("timetrim = (-?\\d+);")
                        .matcher(g.read("timetrim"));
                assertTrue(tm.find(), "timetrim file written: " + g.read("timetrim") + "\n" + why);
                double trim = Double.parseDouble(tm.group(1));
                assertEquals(TRUE_TRIM_NS_PER_SEC, trim, 0.05 * TRUE_TRIM_NS_PER_SEC, "timetrim within 5 % of the truth: " + why);
                KernelState after = GuestCommands.parse(g.read("after-term.log") + "\n").get(0);
                assertEquals(TRUE_TRIM_NS_PER_SEC / 1000, after.freqPpm(), 0.05 * TRUE_TRIM_NS_PER_SEC / 1000,
                        "SIGTERM leaves the kernel frequency where the daemon set it: " + after.line());
                double converged = oracle.maxAbsAfterGuest(states.get(states.size() - 40).guestSeconds());
                assertTrue(converged < 1_000_000, "converged within 1 ms over the last 40 s: " + converged + " ns\n" + why);
            }
        }
    }
}
