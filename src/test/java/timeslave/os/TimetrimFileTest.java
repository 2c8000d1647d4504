package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimetrimFileTest {
    private static final Path FIXTURES = Path.of("test-fixtures/timetrim");

    @TempDir
    Path dir;

    private final List<String> sent = new ArrayList<>();
    private final SyslogLog log = new SyslogLog((p, m) -> sent.add(p + " " + m), null, 0);

    private TimetrimFile fixture(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.copy(FIXTURES.resolve(name), p, StandardCopyOption.REPLACE_EXISTING);
        return new TimetrimFile(p, log, "timeslave test");
    }

    @ParameterizedTest
    @CsvSource({"irix-v2.timetrim,-12345", "irix-v2-whitespace.timetrim,48213", "irix-v1-bare.timetrim,2750",
        "timeslave.timetrim,48213"})
    void goodFilesLoadSilently(String name, long trim) throws IOException {
        assertEquals(OptionalLong.of(trim), fixture(name).load());
        assertEquals(List.of(), sent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"corrupt-truncated.timetrim", "corrupt-garbage.timetrim", "corrupt-nul-bytes.timetrim",
        "corrupt-binary.timetrim", "corrupt-two-trims.timetrim", "corrupt-bad-double.timetrim"})
    void nonsenseIsOneErrorLine(String name) throws IOException {
        TimetrimFile f = fixture(name);
        assertEquals(OptionalLong.empty(), f.load());
        assertEquals(List.of("ERR " + f.path() + ": unrecognized contents"), sent);
    }

    @Test
    void outOfRangeIsOneErrorLine() throws IOException {
        TimetrimFile f = fixture("corrupt-out-of-range.timetrim");
        assertEquals(OptionalLong.empty(), f.load());
        assertEquals(List.of("ERR " + f.path() + ": timetrim 9000000 ns/s is beyond +-3000000"), sent);
    }

    @Test
    void emptyAndMissingFilesAreSilent() throws IOException {
        assertEquals(OptionalLong.empty(), fixture("empty.timetrim").load());
        assertEquals(OptionalLong.empty(), new TimetrimFile(dir.resolve("absent"), log, "t").load());
        assertEquals(List.of(), sent);
    }

    @Test
    void unreadableFileIsOneErrorLine() throws IOException {
        Path d = Files.createDirectory(dir.resolve("a-directory"));
        assertEquals(OptionalLong.empty(), new TimetrimFile(d, log, "t").load());
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).startsWith("ERR " + d + ": cannot read: "), sent.get(0));
    }

    @Test
    void saveThenLoadRoundTrips() {
        Path p = dir.resolve("timetrim");
        TimetrimFile f = new TimetrimFile(p, log, "timeslave test");
        for (long trim : new long[] {0, 48_213, -12_345, 3_000_000, -3_000_000}) {
            assertTrue(f.save(trim));
            assertEquals(OptionalLong.of(trim), f.load());
        }
        assertFalse(Files.exists(dir.resolve("timetrim.tmp")), "no temporary file left behind");
        assertEquals(List.of(), sent);
    }

    @Test
    void savedTextIsTheDocumentedFormat() throws IOException {
        Path p = dir.resolve("timetrim");
        assertTrue(new TimetrimFile(p, log, "timeslave 0.1.0").save(-777));
        String text = Files.readString(p);
        assertTrue(text.matches("long timetrim = -777;\n/\\* timeslave 0\\.1\\.0: ns/s added to each second, saved "
                + "\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\*/\n"), text);
    }

    @Test
    void aCorruptFileIsCorrectedByTheNextSave() throws IOException {
        TimetrimFile f = fixture("corrupt-truncated.timetrim");
        assertEquals(OptionalLong.empty(), f.load());
        assertTrue(f.save(1_234));
        sent.clear();
        assertEquals(OptionalLong.of(1_234), f.load());
        assertEquals(List.of(), sent);
    }

    @Test
    void aFailedWriteLeavesTheOldFileWhole() throws IOException {
        TimetrimFile f = fixture("irix-v2.timetrim");
        byte[] before = Files.readAllBytes(f.path());
        // the temporary file cannot be created: a non-empty directory sits where it would go
        Path tmp = Files.createDirectory(dir.resolve("irix-v2.timetrim.tmp"));
        Files.writeString(tmp.resolve("keep"), "x");
        assertFalse(f.save(99));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(f.path())), "the old file is untouched");
        assertEquals(OptionalLong.of(-12345), f.load());
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).startsWith("ERR " + f.path() + ": cannot save timetrim: "), sent.get(0));
    }

    @Test
    void aFailedRenameLeavesTheOldFileWholeAndNoTemporary() throws IOException {
        // the target is a non-empty directory: the rename fails after the temporary file was written
        Path target = Files.createDirectory(dir.resolve("timetrim"));
        Files.writeString(target.resolve("keep"), "x");
        TimetrimFile f = new TimetrimFile(target, log, "t");
        assertFalse(f.save(5));
        assertTrue(Files.isDirectory(target));
        assertFalse(Files.exists(dir.resolve("timetrim.tmp")));
    }

    @Test
    void absurdValuesAreNeverSaved() {
        Path p = dir.resolve("timetrim");
        TimetrimFile f = new TimetrimFile(p, log, "t");
        assertFalse(f.save(3_000_001));
        assertFalse(Files.exists(p));
        assertEquals(List.of("ERR " + p + ": not saving timetrim 3000001 ns/s: beyond +-3000000"), sent);
    }

    @Test
    void yearFromTheModificationDate() throws IOException {
        TimetrimFile f = fixture("irix-v2.timetrim");
        Files.setLastModifiedTime(f.path(), FileTime.from(Instant.parse("1999-12-31T23:59:59Z")));
        assertEquals(OptionalInt.of(1999), f.modificationYear());
        Files.setLastModifiedTime(f.path(), FileTime.from(Instant.parse("2031-01-01T00:00:00Z")));
        assertEquals(OptionalInt.of(2031), f.modificationYear());
        assertEquals(List.of(), sent);
    }

    @Test
    void yearOfAMissingFileIsOneErrorLine() {
        Path p = dir.resolve("absent");
        assertEquals(OptionalInt.empty(), new TimetrimFile(p, log, "t").modificationYear());
        assertEquals(List.of("ERR " + p + ": -Y: cannot read the modification date: no such file or directory"), sent);
    }

    @Test
    void parseAcceptsOnlyTheDocumentedForms() {
        assertEquals(OptionalLong.of(-5), TimetrimFile.parse("/* c */ long timetrim = -5; /* d */"));
        assertEquals(OptionalLong.of(7), TimetrimFile.parse("+7"));
        assertEquals(OptionalLong.empty(), TimetrimFile.parse("long timetrim = 5; double tot_adj = 1;"));
        assertEquals(OptionalLong.empty(), TimetrimFile.parse("int timetrim = 5;"));
        assertEquals(OptionalLong.empty(), TimetrimFile.parse("5 6"));
        assertEquals(OptionalLong.empty(), TimetrimFile.parse("0x10"));
    }
}
