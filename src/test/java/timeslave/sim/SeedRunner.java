package timeslave.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a scenario over N seeds (default 3; -Dtimeslave.seeds=N for more) and fails naming every
 * seed that broke a floor and why, as chrony's {@code run -i N} does.
 */
final class SeedRunner {
    private SeedRunner() {
    }

    static int seeds() {
        return Integer.getInteger("timeslave.seeds", 3);
    }

    /** {@code check} returns the broken floors for one run (empty when it passed). */
    static void check(Scenario scenario, BiFunction<SimRun, SimResult, List<String>> check) {
        List<String> failures = new ArrayList<>();
        for (long seed = 1; seed <= seeds(); seed++) {
            SimRun run = new SimRun(scenario, seed, null, 0);
            SimResult r = run.run();
            List<String> broken = check.apply(run, r);
            if (!broken.isEmpty()) {
                failures.add("seed " + seed + ": " + String.join("; ", broken) + " (" + r + ")");
            }
        }
        if (!failures.isEmpty()) {
            fail("scenario " + scenario.name() + " failed for " + failures.size() + " of " + seeds() + " seeds:\n"
                    + String.join("\n", failures));
        }
    }

    /** chrony's loose floors (test/simulation/test.common): max ≤ 1 ms, RMS ≤ 300 µs, frequency RMS ≤ 10 ppm. */
    static List<String> floors(SimResult r, long maxSyncSec) {
        List<String> broken = new ArrayList<>();
        if (r.syncSec() < 0 || r.syncSec() > maxSyncSec) {
            broken.add("sync at " + r.syncSec() + " s, allowed " + maxSyncSec + " s");
        }
        if (!(r.maxNanos() <= 1_000_000)) {
            broken.add("max |offset| " + r.maxNanos() + " ns > 1 ms");
        }
        if (!(r.rmsNanos() <= 300_000)) {
            broken.add("RMS offset " + r.rmsNanos() + " ns > 300 us");
        }
        if (!(r.freqRmsPpm() <= 10)) {
            broken.add("frequency RMS " + r.freqRmsPpm() + " ppm > 10 ppm");
        }
        if (!(r.freqErrPpmEnd() <= 1)) {
            broken.add("timetrim error " + r.freqErrPpmEnd() + " ppm > 1 ppm");
        }
        return broken;
    }

    static List<String> list(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        for (String m : more) {
            if (m != null) {
                all.add(m);
            }
        }
        return all;
    }
}
