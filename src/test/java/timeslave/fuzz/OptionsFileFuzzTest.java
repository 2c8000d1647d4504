package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import timeslave.cli.Invocation;
import timeslave.cli.Options;
import timeslave.cli.OptionsParser;
import timeslave.cli.UsageException;
import timeslave.core.Ensemble;

/**
 * Fuzzes the options file ({@code --options FILE}, read by {@link OptionsParser#parse}) through a real
 * file: any content gives options inside every documented range or a {@link UsageException}
 * (which Main turns into exit status 2), never another exception. Seeds: etc/timeslave.options as
 * shipped, and the same with every option the file may hold set.
 */
class OptionsFileFuzzTest {
    private static final long NANOS = 1_000_000_000L;

    @FuzzTest
    @DictionaryEntries({"-H", "-C", "-c", "-P", "-m", "-d", "-B", "-q", "-Q", "-w", "-W", "-t", "-T", "-r", "-p", "-D",
            "-i", "-y", "-Y", "--max-rate", "--syslog", "--step-threshold", "--leap-seconds", "--leap", "--once",
            "--options", "--detached", "sntp:", "tai:", "taitrue:", "TT600", "PST_WWV", "TRC_WWV", "smear", "none", "--panic", "--force"})
    void parse(byte[] content) {
        Path file = FuzzSupport.write("timeslave.options", content);
        Path dir = FuzzSupport.scratch();
        OptionsParser parser = new OptionsParser(dir.resolve("no-default.options"),
                name -> name.equals(OptionsParser.TIME_SERVICE) ? OptionalInt.of(37) : OptionalInt.empty(), dir);
        Invocation inv;
        try {
            inv = parser.parse(List.of("--options", file.toString()));
        } catch (UsageException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return;
        }
        Options o = assertInstanceOf(Invocation.Run.class, inv, "the file asked for " + inv).options();
        assertTrue(!o.masters().isEmpty() && o.masters().size() <= Ensemble.MAX_MEMBERS, "masters " + o.masters());
        assertTrue(o.masters().stream().noneMatch(m -> m.spec().isBlank()), "blank master");
        assertTrue(o.masters().stream().filter(Options.Master::serial).count() <= 1, "several -C");
        assertTrue(o.minTrials() >= 1 && o.minTrials() <= o.maxTrials() && o.maxTrials() <= OptionsParser.MAX_TRIALS,
                "trials " + o.minTrials() + "/" + o.maxTrials());
        assertTrue(o.probeWaitNanos() >= NANOS / 1000 && o.probeWaitNanos() <= 40 * NANOS, "-w " + o.probeWaitNanos());
        assertTrue(o.dateWaitNanos() >= NANOS / 1000 && o.dateWaitNanos() <= 300 * NANOS, "-W " + o.dateWaitNanos());
        assertTrue(o.rateNanos() >= 5 * NANOS && o.rateNanos() <= 86_400 * NANOS, "-r " + o.rateNanos());
        assertTrue(o.maxRateNanos() == 0 || (o.maxRateNanos() >= o.rateNanos() && o.maxRateNanos() <= 31_536_000 * NANOS),
                "--max-rate " + o.maxRateNanos());
        assertTrue(o.stepThresholdNanos() >= NANOS / 1000 && o.stepThresholdNanos() <= 86_400 * NANOS);
        assertTrue(o.maxDriftNsPerSec() >= 1 && o.maxDriftNsPerSec() <= OptionsParser.MAX_MAX_DRIFT_NS_PER_SEC);
        assertTrue(Math.abs(o.initDriftNsPerSec()) <= OptionsParser.MAX_INIT_DRIFT_NS_PER_SEC);
        assertTrue(o.timePort() >= 1 && o.timePort() <= 65_535, "-p " + o.timePort());
        assertTrue(o.year().isEmpty() || (o.year().getAsInt() >= 1970 && o.year().getAsInt() <= 2199), "-y " + o.year());
        assertFalse(o.year().isPresent() && o.yearFromTimetrim(), "-y with -Y");
        assertTrue(!o.yearFromTimetrim() || o.timetrimFile().isPresent(), "-Y without -P");
        assertTrue(List.of("PST_WWV", "TRC_WWV", "TT600").contains(o.clockType()), "-c " + o.clockType());
        assertFalse(o.once() || o.setClock() || o.force() || o.readyFile().isPresent(),
                "a command-line-only option from the file");
        assertTrue(o.panicNanos() >= 0 && o.panicNanos() <= 3_155_760_000L * NANOS, "--panic " + o.panicNanos());
        assertTrue(o.debugLevel() >= 0);
        assertNotNull(o.describe());
    }
}
