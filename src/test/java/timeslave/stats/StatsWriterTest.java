package timeslave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.core.Status;
import timeslave.ref.ListLog;

class StatsWriterTest {
    @TempDir
    Path dir;
    final ListLog log = new ListLog(0);

    /** 2026-06-01T23:59:59.5Z and 2026-06-02T00:00:10Z as POSIX ns. */
    static final long LATE = 1_780_358_399_500_000_000L;
    static final long NEXT_DAY = 1_780_358_410_000_000_000L;

    static Status status(long mono, long realtime, long sampleTime, String state) {
        Map<String, Long> rejected = new LinkedHashMap<>();
        Status.REJECT_REASONS.forEach(r -> rejected.put(r, 0L));
        return new Status(mono, realtime, "sntp:a", false, true, sampleTime, -12_000, 10_000, -11_500, 400, 10,
                -49_872.4, 25, 30_000, -30_000, 20_000, 15_025, 64_000_000_000L, 3, 0, 0, rejected,
                List.of(new Status.Source("sntp:a", 0xff, state, -12_000, 21_000, 42_000, sampleTime, "", 3, 0, 0)));
    }

    @Test
    void linesAreInNtpdsFormats() {
        Status s = status(1, LATE, LATE, "selected");
        assertEquals("61192 86399.500 -0.000011500 -49.872 0.000000400 0.025000 6 -0.000030000 0.000020000",
                StatsWriter.loopLine(s));
        assertEquals("61192 86399.500 sntp:a 9614 -0.000012000 0.000042000 0.000021000 0.000000000",
                StatsWriter.peerLine(s.sources().get(0)));
        assertTrue(StatsWriter.peerLine(status(1, LATE, LATE, "falseticker").sources().get(0)).contains(" 9114 "));
    }

    @Test
    void filesRotateAtMidnightUtcAndTheLinksFollow() throws Exception {
        StatsWriter w = new StatsWriter(dir, log);
        w.published(status(1, LATE, LATE, "selected"));
        w.published(status(1, LATE, LATE, "selected"));   // the same measurement again: no new line
        w.published(status(2, NEXT_DAY, NEXT_DAY, "selected"));
        assertEquals(1, Files.readAllLines(dir.resolve("loopstats.20260601")).size());
        assertEquals(1, Files.readAllLines(dir.resolve("peerstats.20260601")).size());
        assertEquals(1, Files.readAllLines(dir.resolve("loopstats.20260602")).size());
        assertEquals(Path.of("loopstats.20260602"), Files.readSymbolicLink(dir.resolve("loopstats")));
        assertEquals(Path.of("peerstats.20260602"), Files.readSymbolicLink(dir.resolve("peerstats")));
        StatsFiles back = StatsFiles.read(dir);
        assertEquals(2, back.loops.size());
        assertEquals(LATE / 1e9, back.loops.get(0).time(), 1e-3);
        assertEquals(-0.0000115, back.loops.get(0).offset(), 1e-12);
        assertEquals(-0.00003, back.loops.get(0).low(), 1e-12);
        assertEquals(2, back.peers.get("sntp:a").size());
        assertEquals(List.of(), log.lines);
    }

    @Test
    void aMissingDirectoryIsMade() throws Exception {
        Path missing = dir.resolve("var/log/timeslave");
        new StatsWriter(missing, log).published(status(1, LATE, LATE, "selected"));
        assertEquals(1, Files.readAllLines(missing.resolve("loopstats.20260601")).size());
        assertEquals(List.of(), log.lines);
    }

    @Test
    void anUnwritableDirectoryIsLoggedOnceAndAgainWhenItWorks() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where the directory should be");
        Path stats = blocker.resolve("stats");
        StatsWriter w = new StatsWriter(stats, log);
        w.published(status(1, LATE, LATE, "selected"));
        w.published(status(2, LATE + 1_000_000_000L, LATE + 1_000_000_000L, "selected"));
        assertEquals(List.of("ERR statsdir " + stats + ": cannot write: a file is in the way of the directory; statistics are"
                + " lost until it can"), log.lines);
        Files.delete(blocker);
        w.published(status(3, NEXT_DAY, NEXT_DAY, "selected"));
        assertEquals("NOTICE statsdir " + stats + ": writing again", log.lines.get(1));
    }

    @Test
    void badLinesAreSkippedAndCounted() throws Exception {
        Files.writeString(dir.resolve("loopstats.20260601"),
                "61192 100.000 0.000001 -49.8 0.000001 0.01 6\ngarbage\n61192 x 1 2 3 4 5\n");
        StatsFiles s = StatsFiles.read(dir);
        assertEquals(1, s.loops.size(), "a 7-field ntpd line is read (no bound columns)");
        assertTrue(Double.isNaN(s.loops.get(0).low()));
        assertEquals(2, s.badLines);
    }
}
