package timeslave.sim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateTest {

    record Output(int status, String out, String err) {
    }

    static Output simulate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Simulate.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sameSeedGivesTheSameOutputByteForByte() {
        Output a = simulate("--seed", "7", "--seconds", "20000", "-d", "1");
        Output b = simulate("--seed", "7", "--seconds", "20000", "-d", "1");
        assertEquals(0, a.status());
        assertEquals(a.out(), b.out());
        assertNotEquals(a.out(), simulate("--seed", "8", "--seconds", "20000", "-d", "1").out());
    }

    @Test
    void defaultPrintsTheStepAndASummary() {
        Output o = simulate("--seconds", "20000");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("NOTICE clock stepped by -2.0"), o.out());
        assertTrue(o.out().contains("summary: scenario default, seed 1, 20000 s simulated"), o.out());
        assertTrue(o.out().contains("sync: |offset| < 1 ms from "), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith("timetrim: ")), o.out());
    }

    @Test
    void quietPrintsOnlyTheSummary() {
        Output o = simulate("--seconds", "5000", "--quiet");
        assertTrue(o.out().startsWith("summary: "), o.out());
    }

    @Test
    void badArgumentsAreRefusedWithUsage() {
        Output o = simulate("--seed", "x");
        assertEquals(2, o.status());
        assertTrue(o.err().contains("not a number"), o.err());
        assertTrue(o.err().contains("usage: timeslave --simulate"), o.err());
        Output unknown = simulate("no-such-scenario");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("no scenario no-such-scenario"), unknown.err());
        assertEquals(2, simulate("--seconds", "0").status());
        assertEquals(2, simulate("--days").status());
    }
}
