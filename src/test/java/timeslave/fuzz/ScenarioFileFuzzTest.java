package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import timeslave.sim.Scenario;
import timeslave.sim.ScenarioFile;
import timeslave.sim.SimPath;

/**
 * Fuzzes the scenario file parser ({@code timeslave --simulate --scenario FILE}): any content gives a
 * scenario inside every documented range or a {@link ScenarioFile.BadScenario} whose message starts
 * with the file's name and a line number (which --simulate prints, exit status 2), never another
 * exception. Seeds: the shipped scenarios (the benchmark's rows and grid).
 */
class ScenarioFileFuzzTest {
    private static final String SOURCE = "fuzz.scenario";

    @FuzzTest
    @DictionaryEntries({"name ", "label ", "duration ", "statistics-from ", "seeds ", "offset ", "frequency ", "wander ",
            "delay ", "jitter ", " gamma ", " mixture ", " exp", "asymmetry ", "loss ", "spikes ", "server-noise ",
            "correlation ", "at ", " freq-step ", " clock-step ", " reference-lies ", " reference-jumps ", " silent-for ",
            "rate ", "max-rate ", "probes ", "step-threshold ", "timetrim exact", "chrony-packets ", "chrony-seeds-1-5 ",
            "chrony-seeds-1-10 ", "chrony-bound ", "ns", "us", "ms", "s", "min", "h", "d", "ppm", "ppb", "e-9", "#"})
    void parse(byte[] content) {
        Scenario s;
        try {
            s = ScenarioFile.scenario(SOURCE, new String(content, StandardCharsets.UTF_8));
        } catch (ScenarioFile.BadScenario e) {
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().matches("(?s)fuzz\\.scenario:[0-9]+: .+"), e.getMessage());
            return;
        }
        assertTrue(s.seconds() >= 1 && s.seconds() <= 366L * 86_400, "duration " + s.seconds());
        assertTrue(s.probes() >= 1 && s.probes() <= 200, "probes " + s.probes());
        assertTrue(s.settings().rateNanos() >= 5_000_000_000L && s.settings().rateNanos() <= 86_400_000_000_000L,
                "rate " + s.settings().rateNanos());
        SimPath p = s.path();
        assertTrue(p.baseNanos() >= 0 && p.baseNanos() <= 10_000_000_000L, "delay " + p.baseNanos());
        for (double v : new double[] {p.upJitterNanos(), p.downJitterNanos(), p.serverNoiseNanos(), p.correlationSec()}) {
            assertTrue(Double.isFinite(v) && v >= 0, "path " + p);
        }
        assertTrue(p.lossProbability() >= 0 && p.lossProbability() < 1, "loss " + p.lossProbability());
        assertTrue(p.spikeProbability() >= 0 && p.spikeProbability() <= 1, "spikes " + p.spikeProbability());
        assertTrue(p.jitter().mean() > 0 && Double.isFinite(p.jitter().mean()), "jitter " + p.jitter());
        assertNotNull(s.name());
    }
}
