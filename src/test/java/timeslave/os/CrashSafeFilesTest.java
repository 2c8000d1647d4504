package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.cli.TimeslaveProcess;
import timeslave.log.Log;

/**
 * Issue 9, item 5: a writer ({@link SaveLoop}, a JVM of its own) saves a file over and over and is
 * SIGKILLed at random moments (the -P file, and a larger file through the same helper); after every kill the file must hold the last value the writer reported
 * saved or the one it was saving, whole: never empty, partial or missing. The next writer's start
 * must remove the temporary file a kill left behind.
 *
 * <p>1000 saves in all (the figure), in runs of 1 to 99 saves (50 on average) between kills,
 * so about 20 kills: each kill costs a JVM start (about a second on a loaded machine), each save a few
 * milliseconds, so the test stays near 30 s. The kill comes after a run's last reported save plus a
 * random 0 to 2 ms, while the writer is inside a later save (the saves follow each other without a
 * pause), at a random point of it. The seed is printed and can be replayed with
 * {@code -Dtimeslave.crashSeed=N}.
 *
 * <p>SIGKILL tests what a crash of the daemon can do (the kernel still holds the written pages); the
 * fsyncs for a power cut are in {@link AtomicFile} but cannot be tested without one. A file the daemon
 * writes later (status, statistics) is added as a {@link Kind} with its writer and its check.
 */
class CrashSafeFilesTest {
    /** The figure: saves in all per kind of file. */
    static final int TIMETRIM_SAVES = 1000;
    /** Saves between two kills: uniform from 1 to 2·mean − 1. */
    static final int MEAN_SAVES_PER_KILL = 50;
    /**
     * The larger file's saves and saves per kill: it checks the helper with a write of about ten pages, each
     * save slower (40 KiB to force to disk), so fewer saves and more kills.
     */
    static final int LARGE_SAVES = 100;
    static final int LARGE_MEAN_SAVES_PER_KILL = 10;
    /** Random delay after the last reported save before the kill, ns. */
    static final int MAX_KILL_DELAY_NANOS = 2_000_000;
    private static final Pattern SAVED = Pattern.compile("saved (-?\\d+)");

    @TempDir
    Path dir;

    /** What the writer does: start (the start-up clean-up), then save values. */
    interface Writer {
        void start() throws IOException;

        void save(long value) throws IOException;
    }

    /** A file the daemon writes, with its writer and a check that gives its value or fails. */
    enum Kind {
        /** The -P file, through TimetrimFile: load() at start, save(v). */
        TIMETRIM {
            @Override
            Writer writer(Path file, Log log) {
                TimetrimFile f = new TimetrimFile(file, log, "crash test");
                return new Writer() {
                    @Override
                    public void start() {
                        f.load();
                    }

                    @Override
                    public void save(long value) throws IOException {
                        if (!f.save(value)) {
                            throw new IOException("save " + value + " failed (see the log)");
                        }
                    }
                };
            }

            @Override
            long check(String text) {
                Matcher m = Pattern.compile("long timetrim = (-?\\d+);\n/\\* crash test: ns/s added to each second, "
                        + "saved \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\*/\n").matcher(text);
                assertTrue(m.matches(), "not a whole timetrim file: '" + text + "'");
                OptionalLong parsed = TimetrimFile.parse(text);
                assertEquals(OptionalLong.of(Long.parseLong(m.group(1))), parsed, text);
                return parsed.getAsLong();
            }
        },
        /** About 40 KiB through AtomicFile, as a status or statistics file will be written: every line names the value. */
        LARGE {
            static final int LINES = 2048;

            @Override
            Writer writer(Path file, Log log) {
                return new Writer() {
                    @Override
                    public void start() throws IOException {
                        AtomicFile.removeStaleTemporary(file);
                    }

                    @Override
                    public void save(long value) throws IOException {
                        StringBuilder b = new StringBuilder(LINES * 32);
                        for (int i = 0; i < LINES; i++) {
                            b.append("value ").append(value).append(" line ").append(i).append('\n');
                        }
                        b.append("end ").append(value).append('\n');
                        AtomicFile.write(file, b.toString().getBytes(StandardCharsets.US_ASCII));
                    }
                };
            }

            @Override
            long check(String text) {
                String[] lines = text.split("\n", -1);
                assertEquals(LINES + 2, lines.length, "not a whole file: " + text.length() + " characters");
                Matcher end = Pattern.compile("end (-?\\d+)").matcher(lines[LINES]);
                assertTrue(end.matches(), "no end line: " + lines[LINES]);
                long value = Long.parseLong(end.group(1));
                for (int i = 0; i < LINES; i++) {
                    assertEquals("value " + value + " line " + i, lines[i]);
                }
                return value;
            }
        };

        abstract Writer writer(Path file, Log log);

        /** The file's value; fails unless the text is one whole save. */
        abstract long check(String text);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theTimetrimFileIsAlwaysTheOldOrTheNewValue() throws Exception {
        survivesKills(Kind.TIMETRIM, TIMETRIM_SAVES, MEAN_SAVES_PER_KILL);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aLargeFileIsAlwaysTheOldOrTheNewContents() throws Exception {
        survivesKills(Kind.LARGE, LARGE_SAVES, LARGE_MEAN_SAVES_PER_KILL);
    }

    private void survivesKills(Kind kind, int saves, int meanSavesPerKill) throws Exception {
        long seed = Long.getLong("timeslave.crashSeed", System.nanoTime());
        Random random = new Random(seed);
        String replay = " (replay with -Dtimeslave.crashSeed=" + seed + ")";
        Path file = dir.resolve(kind.name().toLowerCase());
        Path tmp = AtomicFile.temporary(file);
        Log quiet = new SyslogLog(SyslogSink.NONE, null, 0);
        kind.writer(file, quiet).save(0);
        long committed = 0;
        int done = 0;
        int kills = 0;
        int staleLeft = 0;
        boolean stale = false;
        while (done < saves) {
            int run = 1 + random.nextInt(2 * meanSavesPerKill - 1);
            Path errLog = dir.resolve("writer-" + kills + ".err");
            Process p = writer(kind, file, committed + 1, Integer.MAX_VALUE / 2, errLog);
            long last = committed;
            int seen = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                assertEquals("ready", out.readLine(), "the writer did not start: " + Files.readString(errLog));
                if (kind == Kind.TIMETRIM) {
                    assertEquals(stale, Files.readString(errLog).contains(tmp + ": removed, left by an unfinished save"),
                            "the start removes a stale temporary file, and says so" + replay);
                }
                while (seen < run) {
                    last = saved(out.readLine(), last, errLog);
                    seen++;
                }
                LockSupport.parkNanos(random.nextInt(MAX_KILL_DELAY_NANOS));
                // SIGKILL through the handle: Process.destroyForcibly would also close the pipe, and with
                // it the last "saved" lines the writer wrote before it died.
                p.toHandle().destroyForcibly();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the writer did not die");
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    last = saved(line, last, errLog);
                    seen++;
                }
            } finally {
                p.destroyForcibly();
            }
            kills++;
            done += seen;
            assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the file is missing after kill " + kills
                    + replay);
            long value = kind.check(Files.readString(file, StandardCharsets.ISO_8859_1));
            if (value != last && value != last + 1) {
                fail("after kill " + kills + " the file holds " + value + "; the writer had saved " + last + replay);
            }
            committed = value;
            stale = Files.exists(tmp, LinkOption.NOFOLLOW_LINKS);
            staleLeft += stale ? 1 : 0;
        }
        Path errLog = dir.resolve("writer-last.err");
        Process p = writer(kind, file, committed + 1, 0, errLog);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the last writer did not finish");
        assertEquals(0, p.exitValue(), Files.readString(errLog));
        assertFalse(Files.exists(tmp, LinkOption.NOFOLLOW_LINKS), "the start removes the stale temporary file" + replay);
        assertEquals(committed, kind.check(Files.readString(file, StandardCharsets.ISO_8859_1)));
        System.out.printf("crash-safe %s: %d saves, %d SIGKILLs, %d left a stale %s, 0 bad files, seed %d%n",
                kind, done, kills, staleLeft, tmp.getFileName(), seed);
    }

    private static Process writer(Kind kind, Path file, long first, int count, Path errLog) throws IOException {
        ProcessBuilder pb = TimeslaveProcess.java(SaveLoop.class.getName(),
                List.of(kind.name(), file.toString(), Long.toString(first), Integer.toString(count)));
        Process p = pb.redirectError(errLog.toFile()).start();
        p.getOutputStream().close();
        return p;
    }

    /** The value of a "saved N" line, which must be the one after {@code last}. */
    private static long saved(String line, long last, Path errLog) throws IOException {
        Matcher m = line == null ? null : SAVED.matcher(line);
        if (m == null || !m.matches()) {
            fail("the writer said '" + line + "' after saving " + last + "; its log: " + Files.readString(errLog));
        }
        long v = Long.parseLong(m.group(1));
        assertEquals(last + 1, v, "saves in order");
        return v;
    }
}
