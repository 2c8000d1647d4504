package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import timeslave.core.LeapPlanner;
import timeslave.log.Priority;
import timeslave.os.LeapSecondsFile;
import timeslave.ref.ListLog;
import timeslave.time.Epochs;
import timeslave.time.LeapSeconds;

/**
 * Fuzzes the leap-seconds.list reader. {@link #loadFile} goes the daemon's way
 * ({@link LeapSecondsFile#load} on a real file): a table or one log line, never an exception.
 * {@link #parseWithValidHash} first rewrites the #h line to the SHA-1 the contents call for (the
 * format's rule, PROTOCOLS.md §7.2), so the fuzzer reaches what lies behind the hash check, and checks
 * that an accepted table says exactly what its data lines say. Seed: etc/leap-seconds.list.
 */
class LeapSecondsFuzzTest {

    @FuzzTest
    void loadFile(byte[] content) {
        Path file = FuzzSupport.write("leap-seconds.list", content);
        ListLog log = new ListLog(0);
        LeapPlanner.Table table = LeapSecondsFile.load(file, null, log);
        if (table == null) {
            assertEquals(1, log.above(Priority.WARNING).size(), "one line for an unusable file: " + log.lines);
            return;
        }
        assertTrue(log.lines.isEmpty(), "a usable file logs nothing: " + log.lines);
        checkTable(table.seconds());
    }

    @FuzzTest
    void parseWithValidHash(byte[] content) {
        List<String> lines = withValidHash(new String(content, StandardCharsets.ISO_8859_1).lines().toList());
        LeapSeconds table;
        try {
            table = LeapSeconds.parse(lines);
        } catch (LeapSeconds.FormatException e) {
            assertNotNull(e.getMessage());
            return;
        }
        checkTable(table);
        List<long[]> data = dataLines(lines);
        assertEquals(data.size(), table.entries().size(), "one entry per data line");
        for (int i = 0; i < data.size(); i++) {
            LeapSeconds.Entry e = table.entries().get(i);
            assertEquals(data.get(i)[0] - Epochs.SECONDS_1900_TO_1970, e.startPosixSeconds(), "start of line " + i);
            assertEquals(data.get(i)[1], e.taiMinusUtcSeconds(), "TAI-UTC of data line " + i + " (" + data.get(i)[1]
                    + " in the file, " + e.taiMinusUtcSeconds() + " in the table)");
            assertEquals(e.taiMinusUtcSeconds(), table.taiMinusUtcSeconds(e.startPosixSeconds()).getAsInt());
        }
    }

    private static void checkTable(LeapSeconds t) {
        List<LeapSeconds.Entry> es = t.entries();
        assertTrue(!es.isEmpty(), "a table without entries");
        for (int i = 1; i < es.size(); i++) {
            assertTrue(es.get(i).startPosixSeconds() > es.get(i - 1).startPosixSeconds(), "dates ascending");
            assertEquals(1, Math.abs(es.get(i).taiMinusUtcSeconds() - es.get(i - 1).taiMinusUtcSeconds()), "one leap second");
        }
        assertTrue(t.taiMinusUtcSeconds(es.get(0).startPosixSeconds() - 1).isEmpty(), "nothing before the first line");
    }

    /** The data lines as the format defines them: not '#', comment cut, two whitespace-separated numbers. */
    private static List<long[]> dataLines(List<String> lines) {
        List<long[]> out = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).strip().split("\\s+");
            out.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
        }
        return out;
    }

    /** The lines with every #h line replaced by (or, without one, followed by) the SHA-1 of the contents. */
    static List<String> withValidHash(List<String> lines) {
        StringBuilder hashed = new StringBuilder();
        String updated = "";
        String expires = "";
        StringBuilder data = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#$")) {
                updated = value(line.substring(2));
            } else if (line.startsWith("#@")) {
                expires = value(line.substring(2));
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                data.append(value(line).replaceAll("\\s+", ""));
            }
        }
        hashed.append(updated).append(expires).append(data);
        String h = "#h\t" + sha1Words(hashed.toString());
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        for (String raw : lines) {
            if (raw.strip().startsWith("#h")) {
                out.add(h);
                replaced = true;
            } else {
                out.add(raw);
            }
        }
        if (!replaced) {
            out.add(h);
        }
        return out;
    }

    private static String value(String s) {
        int hash = s.indexOf('#');
        return (hash >= 0 ? s.substring(0, hash) : s).strip();
    }

    private static String sha1Words(String text) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.ISO_8859_1));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i += 4) {
            long w = ((d[i] & 0xFFL) << 24) | ((d[i + 1] & 0xFFL) << 16) | ((d[i + 2] & 0xFFL) << 8) | (d[i + 3] & 0xFFL);
            sb.append(i == 0 ? "" : " ").append(Long.toHexString(w));
        }
        return sb.toString();
    }
}
