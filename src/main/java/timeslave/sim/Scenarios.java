package timeslave.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The named scenarios, each stated as its difference from {@link Scenario#defaults()}; shared by --simulate and the tests. */
public final class Scenarios {
    private Scenarios() {
    }

    private static final Map<String, Supplier<Scenario>> ALL = new LinkedHashMap<>();

    static {
        put("default", Scenario::defaults);
        put("large-frequency-offset", () -> Scenario.defaults().offsetSec(0.1).freqPpm(500));
        put("step-on-large-offset", () -> Scenario.defaults().offsetSec(-30));
        put("timetrim-restored", () -> Scenario.defaults().offsetSec(0.01).exactSavedTrim());
        put("packet-loss", () -> Scenario.defaults().path(Scenario.defaults().path().withLoss(0.3)));
        put("asymmetric-delay", () -> Scenario.defaults().path(Scenario.defaults().path().withJitterAsymmetry(0.47)));
        put("reference-silent-for-a-day", () -> Scenario.defaults().seconds(3 * 86_400).silent(36_000, 36_000 + 86_400));
        put("clock-stepped-by-someone-else", () -> Scenario.defaults().externalStep(40_000, 0.5));
        put("measure-only", () -> Scenario.defaults().measureOnly());
        put("one-bad-sample", () -> Scenario.defaults().lieOnce(40_000, 1.0));
        put("leap-second-insert", () -> Scenario.defaults().seconds(2 * 86_400).leap(1, +1));
        put("leap-second-delete", () -> Scenario.defaults().seconds(2 * 86_400).leap(1, -1));
        put("leap-second-smear", () -> Scenario.defaults().seconds(2 * 86_400).leap(1, +1)
                .leapMode(timeslave.core.Settings.Leap.SMEAR));
        put("leap-second-file-expired", () -> Scenario.defaults().seconds(2 * 86_400).leap(1, +1).leapFileExpired());
        put("falseticker", () -> Scenario.defaults().references(3).biased(2, 0.005));
        put("failover", () -> Scenario.defaults().seconds(2 * 86_400).references(2).silentReference(1, 36_000, 36_000 + 86_400));
        // Issue 9: no RTC, the clock reads 1970-01-01 at the start (56 years behind a right master).
        put("clock-at-1970", () -> Scenario.defaults().offsetSec(-SimWorld.START_NANOS / 1e9).seconds(6 * 3_600)
                .statsFromSec(600));
        // Issue 9: synchronised, then the master jumps a year ahead for good; --panic 1000 s (the default).
        put("master-lies-by-a-year", () -> Scenario.defaults().masterJumps(40_000, 365 * 86_400.0));
        put("long-baseline", () -> Scenario.defaults().seconds(100 * 86_400).statsFromSec(86_400).wander(1e-13)
                .rateSec(600).maxRateSec(30 * 86_400));
        put("long-baseline-constant-frequency", () -> Scenarios.named("long-baseline").wander(0));
        put("long-baseline-clock-stepped", () -> Scenarios.named("long-baseline").seconds(60 * 86_400).probes(1)
                .externalStep(30 * 86_400, 0.5));
        put("long-baseline-one-bad-sample", () -> Scenarios.named("long-baseline").seconds(60 * 86_400).probes(1)
                .lieOnce(30 * 86_400, 1.0));
        put("long-baseline-wander", () -> Scenario.defaults().seconds(20 * 86_400).statsFromSec(86_400)
                .rateSec(600).maxRateSec(4 * 86_400));
    }

    private static void put(String name, Supplier<Scenario> s) {
        ALL.put(name, () -> s.get().name(name));
    }

    /** The scenario of that name, or null. */
    public static Scenario named(String name) {
        Supplier<Scenario> s = ALL.get(name);
        return s == null ? null : s.get();
    }

    /** All names, in a stable order. */
    public static Iterable<String> names() {
        return ALL.keySet();
    }
}
