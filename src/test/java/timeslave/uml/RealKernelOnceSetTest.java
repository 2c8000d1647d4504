package timeslave.uml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --once --set} on a real kernel: a guest 0.5 s behind the master measures once and steps its
 * own clock by the offset it printed; the oracle sees the step, of that size, and the clock right after.
 */
class RealKernelOnceSetTest {
    static final long SHIFT_NANOS = -500_000_000L;
    static final Pattern LINE = Pattern.compile("offset=([+-]\\d+\\.\\d+) delay=(\\d+\\.\\d+) bound=(\\d+\\.\\d+)");

    @Test
    @Timeout(150)
    void onceSetStepsTheGuestClockByTheMeasuredOffset(@TempDir Path dir) throws Exception {
        Tap.assumeTaps();
        try (Tap tap = Tap.create(); TapMaster master = TapMaster.start(dir, tap, false)) {
            String run = GuestCommands.timeslave() + " --once --set -H " + master.sntpName() + " --syslog none"
                    + " > once.out 2> once.err\necho \"once exited $?\"\nsleep 2\n";
            List<GuestClock.Reading> readings = new ArrayList<>();
            try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).tap(tap).shiftNanos(SHIFT_NANOS))) {
                Oracle.follow(g, master, readings, 90);
                String why = g.diagnostics() + "\nstdout: " + g.read("once.out") + "\nstderr: " + g.read("once.err");
                System.out.println(why);
                Matcher m = LINE.matcher(g.read("once.out"));
                assertTrue(m.find(), why);
                long printed = Math.round(Double.parseDouble(m.group(1)) * 1e9);
                long bound = Math.round(Double.parseDouble(m.group(3)) * 1e9);
                // The step line prints seconds without trailing zeros (0.54410553 for +0.544105530).
                Matcher stepped = Pattern.compile("stepped the clock by (-?[0-9.]+) s").matcher(g.read("once.err"));
                assertTrue(stepped.find(), why);
                assertEquals(printed, Math.round(Double.parseDouble(stepped.group(1)) * 1e9), why);
                Oracle oracle = new Oracle(master, readings);
                List<Integer> steps = new ArrayList<>();
                for (int i = 1; i < oracle.size(); i++) {
                    if (Math.abs(oracle.offsetAt(i) - oracle.offsetAt(i - 1)) > 1_000_000) {
                        steps.add(i);
                    }
                }
                assertEquals(1, steps.size(), "one step: " + why);
                int s = steps.get(0);
                double before = oracle.offsetAt(s - 1);
                double after = oracle.offsetAt(s);
                System.out.printf("printed offset %+d ns (bound %d); guest - master before %+.0f ns, after %+.0f ns%n",
                        printed, bound, before, after);
                // guest − master is −(reference − local): the printed offset was the true one within its bound.
                assertEquals(-before, printed, bound + Oracle.ORACLE_SLACK_NANOS, why);
                // ADJ_SETOFFSET rounds to the 256 ns clocksource tick, each of the two oracle readings
                // around the step is one tick and 0.1 µs coarse, and the guest runs at its own rate
                // between them: about 1.2 µs in all (1.09 µs seen once), so 2 µs.
                assertEquals(printed, after - before, 2_000, "stepped by the printed offset (ADJ_SETOFFSET, 256 ns)");
                assertTrue(Math.abs(after) <= bound + Oracle.ORACLE_SLACK_NANOS, "right after the step: " + after + " ns");
            }
        }
    }
}
