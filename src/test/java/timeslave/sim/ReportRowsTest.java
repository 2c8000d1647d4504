package timeslave.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fast CI version of the accuracy benchmark: every issue-5 row for 30 000 s on one seed, with
 * loose floors (RMS within 1.5x the row's target, the bound valid 99.99 % of seconds, the packet
 * budget kept apart from the start-up burst). The full table, 100 000 s x 5 seeds, is scripts/accuracy-report.
 */
class ReportRowsTest {
    static final long SECONDS = 30_000;
    static final double RMS_SLACK = 1.5;

    @Test
    void everyRowStaysNearItsTargetOnAShortRun() {
        List<String> failures = new ArrayList<>();
        for (Report.Row row : Report.rows()) {
            long seed = 1;
            SimResult r = new SimRun(row.scenario().name(row.name()).seconds(SECONDS), seed, null, 0).run();
            double rmsUs = r.rmsNanos() / 1e3;
            if (!(rmsUs <= RMS_SLACK * row.targetRmsUs())) {
                failures.add(row.name() + " seed " + seed + ": RMS " + rmsUs + " us > " + RMS_SLACK + " x " + row.targetRmsUs());
            }
            if (!(r.boundValidFraction() >= 0.9999)) {
                failures.add(row.name() + " seed " + seed + ": bound valid only " + r.boundValidFraction());
            }
            // On a short run the start-up burst (at most 11 measurements of up to 2 probes) weighs more.
            double allowed = row.budgetPerHour() * SECONDS / 3600.0 + 22;
            if (!(r.packets() <= allowed)) {
                failures.add(row.name() + " seed " + seed + ": " + r.packets() + " packets > " + allowed);
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }

    @Test
    void reportPrintsEveryRowAndAVerdict() {
        SimulateTest.Output o = SimulateTest.simulate("--report", "lan16", "--seeds", "1", "--seconds", "8000");
        assertTrue(o.status() == 0, o.err());
        assertTrue(o.out().contains("LAN (16 s)"), o.out());
        assertTrue(o.out().contains("valid "), o.out());
        assertTrue(o.out().contains("at or under their targets") || o.out().contains("missed a target"), o.out());
        assertTrue(SimulateTest.simulate("--report", "no-such-row").status() == 2);
    }

    @Test
    void adaptiveReportPutsEachAdaptiveRowBelowItsFixedRow() {
        SimulateTest.Output o = SimulateTest.simulate("--report", "adaptive", "--seeds", "1", "--seconds", "8000");
        assertTrue(o.status() == 0, o.err());
        List<String> lines = o.out().lines().filter(l -> l.contains(" s x 1 ")).toList();
        assertTrue(lines.size() >= 8, o.out());
        assertTrue(lines.get(0).startsWith("path100 (adaptive) ") && lines.get(0).contains("660.0 s x 1"), o.out());
        assertTrue(lines.get(1).startsWith("path100 (adaptive) --adaptive-rate") && lines.get(1).contains("64-1024 s x 1"),
                o.out());
    }
}
