package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.core.LeapPlanner;
import timeslave.log.Log;
import timeslave.log.Priority;

/** Which leap-seconds file the daemon uses, and the one line it logs when it has none. */
class LeapSecondsFileTest {
    /** The file in the repository: last leap 2017, last update 2026-07-06 (Bulletin C 72), expires 2027-06-28. */
    static final Path IERS_2026 = Path.of("etc/leap-seconds.list");
    /** The 2015 file of PROTOCOLS.md §7.2 (expires 2016-12-28), as LeapSecondsTest builds it. */
    static final String FILE_2015 = String.join("\n", "#$\t3629404800", "#@\t3691872000",
            "2272060800 10", "2287785600 11", "2303683200 12", "2335219200 13", "2366755200 14", "2398291200 15",
            "2429913600 16", "2461449600 17", "2492985600 18", "2524521600 19", "2571782400 20", "2603318400 21",
            "2634854400 22", "2698012800 23", "2776982400 24", "2840140800 25", "2871676800 26", "2918937600 27",
            "2950473600 28", "2982009600 29", "3029443200 30", "3076704000 31", "3124137600 32", "3345062400 33",
            "3439756800 34", "3550089600 35", "3644697600 36", "#h afc03691 8ff53838 42080ba1 cdd22f1 48192c10", "");

    @TempDir
    Path dir;
    final List<String> lines = new ArrayList<>();
    final Log log = new Log() {
        @Override
        public void log(Priority priority, String message) {
            if (priority != Priority.DEBUG) {
                lines.add(priority + " " + message);
            }
        }

        @Override
        public int debugLevel() {
            return 1;
        }
    };

    @Test
    void theGivenFileIsUsedQuietly() {
        LeapPlanner.Table t = LeapSecondsFile.load(IERS_2026, null, log);
        assertEquals(IERS_2026.toString(), t.file());
        assertEquals(4_023_129_600L - 2_208_988_800L, t.seconds().expiresPosixSeconds());
        assertEquals(List.of(), lines);
    }

    @Test
    void aMissingFileIsOneWarningAndNoTable() {
        Path missing = dir.resolve("leap-seconds.list");
        assertNull(LeapSecondsFile.load(missing, null, log));
        assertEquals(List.of("WARNING leap-seconds file " + missing + " missing; no leap seconds will be announced"), lines);
    }

    @Test
    void underSmearTheLineSaysNoneWillBeSmeared() {
        Path missing = dir.resolve("leap-seconds.list");
        assertNull(LeapSecondsFile.load(missing, null, timeslave.core.Settings.Leap.SMEAR, log));
        assertEquals(List.of("WARNING leap-seconds file " + missing + " missing; no leap seconds will be smeared"), lines);
    }

    @Test
    void aCorruptFileIsOneErrorAndNoTable() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.list"), FILE_2015.replace("3644697600 36", "3644697600 37"));
        assertNull(LeapSecondsFile.load(bad, dir.resolve("absent"), log));
        assertEquals(1, lines.size(), lines.toString());
        assertEquals("ERR leap-seconds file " + bad + " unusable: line 29: TAI-UTC changes by 2 s, not by one leap "
                + "second; no leap seconds will be announced", lines.get(0));
    }

    @Test
    void theFallbackServesWhenTheDefaultIsMissingOrOlder() throws IOException {
        Path old = Files.writeString(dir.resolve("old.list"), FILE_2015);
        LeapPlanner.Table t = LeapSecondsFile.load(old, IERS_2026, log);
        assertEquals(IERS_2026.toString(), t.file());
        assertEquals(List.of("INFO leap-seconds file " + IERS_2026 + " used (expires 2027-06-28): " + old
                + " expires 2016-12-28"), lines);
        lines.clear();
        Path missing = dir.resolve("missing.list");
        assertEquals(IERS_2026.toString(), LeapSecondsFile.load(missing, IERS_2026, log).file());
        assertEquals(List.of("INFO leap-seconds file " + IERS_2026 + " used (expires 2027-06-28): " + missing
                + " is missing"), lines);
        lines.clear();
        assertEquals(IERS_2026.toString(), LeapSecondsFile.load(IERS_2026, old, log).file(), "an older fallback is not used");
        assertEquals(List.of(), lines);
    }

    // ---- issue 9, failure 7: a file that killed or hung the daemon is one error line and no table

    @Test
    void aHugeFileIsOneErrorAndNoTable() throws IOException {
        Path huge = HostileFiles.sparse(dir.resolve("leap-seconds.list"), 100L << 20);
        assertNull(LeapSecondsFile.load(huge, null, log));
        assertEquals(List.of("ERR leap-seconds file " + huge + " unreadable: larger than 262144 bytes; no leap seconds"
                + " will be announced"), lines);
    }

    @Test
    void aFifoIsOneErrorAndNoTableWithoutHanging() throws Exception {
        Path fifo = HostileFiles.fifo(dir.resolve("leap-seconds.list"));
        assertNull(HostileFiles.withoutHanging(fifo, () -> LeapSecondsFile.load(fifo, null, log)));
        assertEquals(List.of("ERR leap-seconds file " + fifo + " unreadable: not a regular file (a FIFO); no leap"
                + " seconds will be announced"), lines);
    }

    @Test
    void aFifoAsTheFallbackIsPassedOver() throws Exception {
        Path fifo = HostileFiles.fifo(dir.resolve("fallback.list"));
        LeapPlanner.Table t = HostileFiles.withoutHanging(fifo, () -> LeapSecondsFile.load(IERS_2026, fifo, log));
        assertEquals(IERS_2026.toString(), t.file());
        assertEquals(List.of(), lines);
    }

    @Test
    void aFileJustWithinTheCapIsRead() throws IOException {
        String comment = "#" + " ".repeat(LeapSecondsFile.MAX_FILE_BYTES - FILE_2015.length() - 2) + "\n";
        Path p = Files.writeString(dir.resolve("padded.list"), comment + FILE_2015);
        assertEquals(LeapSecondsFile.MAX_FILE_BYTES, Files.size(p));
        assertEquals(p.toString(), LeapSecondsFile.load(p, null, log).file());
        assertEquals(List.of(), lines);
    }

    @Test
    void parseTakesAnyLineEnding() throws Exception {
        byte[] crlf = FILE_2015.replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(3_691_872_000L - 2_208_988_800L, LeapSecondsFile.parse(crlf).expiresPosixSeconds());
    }
}
