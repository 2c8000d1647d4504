package timeslave.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.os.SystemTime;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;

/** ops12: taitrue: uses Debian's leap-seconds copy when the default file is missing, and says why a file is unusable. */
class TaiTrueLeapFileTest {
    @TempDir
    Path dir;

    final ListLog log = new ListLog(0);

    static ReferenceConfig withLeapFile(Path p) {
        ReferenceConfig d = ReferenceConfig.defaults();
        return new ReferenceConfig(d.minTrials(), d.maxTrials(), d.probeWaitNanos(), d.dateWaitNanos(), d.timePort(),
                d.quiet(), d.clockType(), OptionalInt.empty(), p);
    }

    @Test
    void theDefaultFileMissingFallsBackToDebiansCopy() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(References.DEBIAN_LEAP_SECONDS), "tzdata's leap-seconds.list is missing");
        Assumptions.assumeFalse(Files.exists(ReferenceConfig.defaults().leapSecondsFile()),
                ReferenceConfig.defaults().leapSecondsFile() + " exists on this machine");
        try (Reference r = References.network("taitrue:127.0.0.1:4014", ReferenceConfig.defaults(), new SystemTime(), log)) {
            assertEquals("taitrue:127.0.0.1:4014", r.name());
        }
        assertTrue(log.lines.contains("INFO leap-seconds file " + References.DEBIAN_LEAP_SECONDS + " used for taitrue:127.0.0.1:4014: "
                + ReferenceConfig.defaults().leapSecondsFile() + ": no such file or directory"), log.lines.toString());
        assertTrue(log.lines.stream().noneMatch(l -> l.contains("file " + ReferenceConfig.defaults().leapSecondsFile() + " expired")),
                "an expiry is said of the file used: " + log.lines);
    }

    @Test
    void aFileGivenOnPurposeIsNotReplacedAndItsProblemIsSaidInWords() throws Exception {
        MeasurementException missing = assertThrows(MeasurementException.class, () -> References.network(
                "taitrue:127.0.0.1:4014", withLeapFile(dir.resolve("nope")), new SystemTime(), log));
        assertEquals("cannot use leap-seconds file " + dir.resolve("nope") + ": no such file or directory", missing.getMessage());
        MeasurementException directory = assertThrows(MeasurementException.class, () -> References.network(
                "taitrue:127.0.0.1:4014", withLeapFile(dir), new SystemTime(), log));
        assertEquals("cannot use leap-seconds file " + dir + ": not a regular file (a directory)", directory.getMessage());
    }
}
