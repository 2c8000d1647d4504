package timeslave.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario file format (timeslave-scenario(5)): what each key sets, and a clear FILE:LINE refusal of every bad line. */
class ScenarioFileTest {

    static ScenarioFile.Parsed parse(String text) throws ScenarioFile.BadScenario {
        return ScenarioFile.parse("t.scenario", "t", text);
    }

    static String refusal(String text) {
        return assertThrows(ScenarioFile.BadScenario.class, () -> parse(text), text).getMessage();
    }

    @Test
    void anEmptyFileIsTheSimulatorsDefaults() throws Exception {
        Scenario s = parse("# nothing\n\n").row().scenario();
        Scenario d = Scenario.defaults();
        assertEquals(d.seconds, s.seconds);
        assertEquals(d.statsFromSec, s.statsFromSec);
        assertEquals(d.initialOffsetNanos, s.initialOffsetNanos);
        assertEquals(d.freqNsPerSec, s.freqNsPerSec);
        assertEquals(d.path, s.path);
        assertEquals(d.settings, s.settings);
        assertEquals("t", s.name());
    }

    @Test
    void everyKeySetsWhatItSays() throws Exception {
        ScenarioFile.Parsed p = parse("""
                name my-path   # a comment
                label my path, 64 s
                duration 2d
                statistics-from 2h
                seeds 3
                offset -0.5s
                frequency -20ppm
                wander 3e-9
                delay 2ms
                jitter 400us mixture 0.2 0.25 4
                asymmetry 0.25
                loss 0.1
                spikes 0.01 30ms
                server-noise 119ns
                correlation 100s
                at 50000s freq-step 500ppb
                at 60000s clock-step 0.5s
                at 70000s silent-for 1h
                rate 64s
                probes 2
                chrony-packets 5.94
                chrony-seeds-1-5 94.2us 0.3026ms
                chrony-bound 602us
                """);
        Scenario s = p.row().scenario();
        assertEquals(3, p.seeds());
        assertEquals("my-path", p.row().name());
        assertEquals("my path, 64 s", p.row().label());
        assertEquals(172_800, s.seconds);
        assertEquals(7_200, s.statsFromSec);
        assertEquals(-5e8, s.initialOffsetNanos);
        assertEquals(-20_000, s.freqNsPerSec);
        assertEquals(3e-9 * 1e9, s.wanderNsPerSec);
        SimPath want = SimPath.symmetric(2_000_000, 400_000).withJitter(SimPath.Jitter.mixture(0.2, 0.25, 4))
                .withJitterAsymmetry(0.25).withLoss(0.1).withSpikes(0.01, 30_000_000).withServerNoise(119)
                .withCorrelation(100);
        assertEquals(want, s.path());
        assertEquals(50_000, s.freqStepAtSec);
        assertEquals(500, s.freqStepNsPerSec);
        assertEquals(60_000, s.externalStepAtSec);
        assertEquals(500_000_000, s.externalStepNanos);
        assertEquals(70_000, s.silentFromSec);
        assertEquals(73_600, s.silentToSec);
        assertEquals(64_000_000_000L, s.settings().rateNanos());
        assertEquals(2, s.probes());
        Scenario a = parse("rate 64s\nadaptive-rate 64s 17min\n").row().scenario();
        assertEquals(64_000_000_000L, a.settings().adaptiveMinNanos());
        assertEquals(1_020_000_000_000L, a.settings().adaptiveMaxNanos());
        assertEquals(5.94, p.row().budgetPerHour());
        assertEquals(94.2, p.row().chronyRms5());
        assertEquals(302.6, p.row().chronyP995());
        assertTrue(Double.isNaN(p.row().chronyRms10()));
        assertEquals(602, p.row().chronyBoundUs());
    }

    @Test
    void aSavedExactTimetrimFollowsTheFrequencyWhereverItIsWritten() throws Exception {
        Scenario s = parse("timetrim exact\nfrequency 30ppm\n").row().scenario();
        assertEquals(-30_000, s.savedTrimNsPerSec.getAsLong());
    }

    @Test
    void badLinesAreRefusedWithFileAndLine() {
        assertEquals("t.scenario:2: unknown key 'jiter'; known: " + String.join(" ", ScenarioFile.KEYS),
                refusal("delay 1ms\njiter 1ms\n"));
        assertEquals("t.scenario:1: delay: '100' needs a time unit: ns us ms s min h d", refusal("delay 100"));
        assertEquals("t.scenario:1: delay: 'fast' is not a time (a number and a unit: ns us ms s min h d)",
                refusal("delay fast"));
        assertEquals("t.scenario:3: 'rate' given twice (first on line 1)", refusal("rate 16s\n\nrate 32s\n"));
        assertEquals("t.scenario:1: rate: 1s is out of range 5 to 86400", refusal("rate 1s"));
        assertEquals("t.scenario:1: loss takes 1 value, got 2", refusal("loss 0.1 0.2"));
        assertEquals("t.scenario:1: loss: 1 is out of range 0 to 0.99", refusal("loss 1"));
        assertEquals("t.scenario:1: frequency: '100' is not a frequency (a number and ppm or ppb)",
                refusal("frequency 100"));
        assertEquals("t.scenario:1: jitter shape: exp, gamma K or mixture P M1 M2, not 'normal'",
                refusal("jitter 1ms normal"));
        assertEquals("t.scenario:1: jitter takes 3 values, got 2", refusal("jitter 1ms gamma"));
        assertEquals("t.scenario:1: probes: '2.5' is not a whole number", refusal("probes 2.5"));
        assertEquals("t.scenario:1: duration: '1.5s' is not a whole number of seconds", refusal("duration 1.5s"));
        assertEquals("t.scenario:2: a second 'freq-step' event (first on line 1); one of each per scenario",
                refusal("at 10s freq-step 1ppm\nat 20s freq-step 1ppm"));
        assertEquals("t.scenario:1: unknown event 'explode'; known: freq-step clock-step reference-lies"
                + " reference-jumps silent-for", refusal("at 10s explode now"));
        assertEquals("t.scenario:1: an event at 90000 s is after the end of the run (3600 s)",
                refusal("at 90000s freq-step 1ppm\nduration 1h"));
        assertEquals("t.scenario:1: statistics-from must be before the end of the run (3600 s)",
                refusal("statistics-from 2h\nduration 1h"));
        assertEquals("t.scenario:1: timetrim: only 'exact' (a saved timetrim holding the true correction), not 'yes'",
                refusal("timetrim yes"));
        assertEquals("t.scenario:1: control character 0x00", refusal("delay\u0000 1ms"));
        assertEquals("t.scenario:1: wander: 1e999 is out of range 0 to 1.0E-5", refusal("wander 1e999"));
        assertEquals("t.scenario:1: name: letters, digits, '.', '_' and '-', at most 64, not '../x'",
                refusal("name ../x"));
        assertEquals("t.scenario:1: adaptive-rate: the longest interval 64s is shorter than the shortest 1024s",
                refusal("adaptive-rate 1024s 64s"));
        assertEquals("t.scenario:2: adaptive-rate and max-rate cannot be used together",
                refusal("adaptive-rate 64s 1024s\nmax-rate 30d"));
        assertEquals("t.scenario:1: adaptive-rate: 4s is out of range 5 to 86400", refusal("adaptive-rate 4s 64s"));
    }

    @Test
    void theShippedRowsAndGridParseAndKeepTheirOrder() {
        assertEquals(java.util.List.of("lan16", "path100-16", "path100-256", "path100-adaptive", "wan256", "one-sided",
                "wander10", "spikes16", "spikes-adaptive"), Report.rows().stream().map(Report.Row::name).toList());
        assertEquals(18, Report.grid().size());
        assertTrue(Report.grid().stream().allMatch(r -> r.name().startsWith("grid-")));
    }

    @Test
    void theSimulatorRunsAFileAndRefusesABadOneWithStatus2(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("lan.scenario");
        Files.writeString(good, "label a LAN\ndelay 50us\njitter 10us\nrate 16s\nduration 2h\n");
        SimulateTest.Output o = SimulateTest.simulate("--scenario", good.toString(), "--seeds", "1");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("Scenario file " + good + ": 1 seeds"), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith("a LAN ") && l.contains("16.00 s x 4")), o.out());
        assertTrue(o.out().contains("valid "), o.out());

        SimulateTest.Output one = SimulateTest.simulate("--scenario", good.toString(), "--seed", "3", "--quiet");
        assertEquals(0, one.status(), one.err());
        assertTrue(one.out().startsWith("summary: scenario lan, seed 3, 7200 s simulated"), one.out());

        Path bad = dir.resolve("bad.scenario");
        Files.writeString(bad, "delay 50us\njitter ten\n");
        SimulateTest.Output b = SimulateTest.simulate("--scenario", bad.toString());
        assertEquals(2, b.status());
        assertEquals("timeslave: --simulate: " + bad + ":2: jitter: 'ten' is not a time (a number and a unit:"
                + " ns us ms s min h d)\n", b.err());
        assertEquals("", b.out());

        SimulateTest.Output missing = SimulateTest.simulate("--scenario", dir.resolve("none").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("timeslave: --simulate: " + dir.resolve("none") + ": cannot read: "),
                missing.err());
    }
}
