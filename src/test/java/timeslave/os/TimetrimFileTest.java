package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
        "corrupt-binary.timetrim", "corrupt-two-trims.timetrim", "corrupt-bad-double.timetrim",
        "hostile-unterminated-comments.timetrim", "hostile-long-double.timetrim"})
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
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).startsWith("ERR " + f.path() + ": cannot save timetrim: "), sent.get(0));
        assertEquals(OptionalLong.of(-12345), f.load());
        assertEquals("WARNING " + tmp + ": cannot remove the stale temporary file: a non-empty directory is in the way",
                sent.get(1), "what stands at the temporary name is reported at start, and the file still read");
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

    // ---- issue 9, failure 7: files that killed or hung the daemon

    @Test
    void aHugeFileIsOneErrorLineAndNotRead() throws IOException {
        Path p = HostileFiles.sparse(dir.resolve("timetrim"), 100L << 20);
        assertEquals(OptionalLong.empty(), new TimetrimFile(p, log, "t").load());
        assertEquals(List.of("ERR " + p + ": cannot read: larger than 4096 bytes"), sent);
    }

    @Test
    void sixMegabytesOfBlanksAreTooLargeNotEmpty() throws IOException {
        Path p = HostileFiles.blanks(dir.resolve("timetrim"), 6 << 20);
        assertEquals(OptionalLong.empty(), new TimetrimFile(p, log, "t").load());
        assertEquals(List.of("ERR " + p + ": cannot read: larger than 4096 bytes"), sent);
    }

    @Test
    void aFileJustWithinTheCapIsRead() throws IOException {
        Path p = dir.resolve("timetrim");
        String value = "long timetrim = 321;\n";
        Files.writeString(p, value + "/*" + " ".repeat(TimetrimFile.MAX_FILE_BYTES - value.length() - 4) + "*/");
        assertEquals(TimetrimFile.MAX_FILE_BYTES, Files.size(p));
        assertEquals(OptionalLong.of(321), new TimetrimFile(p, log, "t").load());
        assertEquals(List.of(), sent);
    }

    @Test
    void aFifoIsOneErrorLineWithoutHanging() throws Exception {
        Path p = HostileFiles.fifo(dir.resolve("timetrim"));
        TimetrimFile f = new TimetrimFile(p, log, "t");
        assertEquals(OptionalLong.empty(), HostileFiles.withoutHanging(p, f::load));
        assertEquals(List.of("ERR " + p + ": cannot read: not a regular file (a FIFO)"), sent);
    }

    @Test
    void aDeviceBehindALinkIsOneErrorLine() throws IOException {
        Path p = Files.createSymbolicLink(dir.resolve("timetrim"), Path.of("/dev/zero"));
        assertEquals(OptionalLong.empty(), new TimetrimFile(p, log, "t").load());
        assertEquals(List.of("ERR " + p + ": cannot read: not a regular file (a character device)"), sent);
    }

    @Test
    void theNextGoodSaveReplacesAHugeOrCorruptFile() throws Exception {
        Path huge = HostileFiles.sparse(dir.resolve("huge"), 100L << 20);
        TimetrimFile g = new TimetrimFile(huge, log, "t");
        assertTrue(g.save(-7));
        assertEquals(OptionalLong.of(-7), g.load());
        assertEquals(List.of(), sent);
    }

    @Test
    void aFifoOrDeviceIsNeverReplaced() throws Exception {
        Path fifo = HostileFiles.fifo(dir.resolve("timetrim"));
        TimetrimFile f = new TimetrimFile(fifo, log, "t");
        assertFalse(HostileFiles.withoutHanging(fifo, () -> f.save(42)));
        assertEquals(List.of("ERR " + fifo + ": cannot save timetrim: not a regular file (a FIFO)"), sent);
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "still the FIFO");
        assertFalse(Files.exists(dir.resolve("timetrim.tmp")));
    }

    /** Only reading: a test that saved to the real /dev/null would, were the check ever lost, replace it. */
    @Test
    void devNullReadsAsAnEmptyFile() {
        assertEquals(OptionalLong.empty(), new TimetrimFile(Path.of("/dev/null"), log, "t").load());
        assertEquals(List.of(), sent);
    }

    // ---- issue 9, failure 8: a planted temporary file

    @Test
    void aPlantedTemporaryLinkIsNeverFollowed() throws IOException {
        Path victim = Files.writeString(Files.createDirectory(dir.resolve("etc")).resolve("shadow"), "root:x:0\n");
        Path p = Files.writeString(dir.resolve("timetrim"), "long timetrim = 5;\n");
        Files.createSymbolicLink(dir.resolve("timetrim.tmp"), victim);
        TimetrimFile f = new TimetrimFile(p, log, "t");
        assertTrue(f.save(77));
        assertEquals("root:x:0\n", Files.readString(victim), "the link's target is untouched");
        assertTrue(Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the file is a file, not the link");
        assertFalse(Files.exists(dir.resolve("timetrim.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(OptionalLong.of(77), f.load());
        assertEquals(List.of(), sent);
    }

    @Test
    void aPlantedDanglingLinkCreatesNothingWhereItPoints() throws IOException {
        Path target = dir.resolve("created-by-the-daemon");
        Files.createSymbolicLink(dir.resolve("timetrim.tmp"), target);
        assertTrue(new TimetrimFile(dir.resolve("timetrim"), log, "t").save(1));
        assertFalse(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aLinkAtTheFileItselfIsReplacedNotWrittenThrough() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Path p = Files.createSymbolicLink(dir.resolve("timetrim"), victim);
        assertTrue(new TimetrimFile(p, log, "t").save(3));
        assertEquals("precious\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theTemporaryFileIsCreatedReadableByAllWritableByTheOwner() throws IOException {
        Path p = dir.resolve("timetrim");
        assertTrue(new TimetrimFile(p, log, "t").save(3));
        var mode = Files.getPosixFilePermissions(p);
        assertTrue(AtomicFile.MODE.containsAll(mode), "at most rw-r--r--: " + mode);
    }

    @Test
    void aDirectoryOthersMayWriteIsRefusedOnceThenQuietly() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Path p = Files.writeString(open.resolve("timetrim"), "long timetrim = 5;\n");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        TimetrimFile f = new TimetrimFile(p, log, "t");
        String why = "directory " + open + " is writable by others and not sticky";
        assertEquals(OptionalLong.empty(), f.load());
        assertFalse(f.save(9));
        assertFalse(f.save(9));
        assertEquals(List.of("ERR " + p + ": cannot read: " + why, "ERR " + p + ": cannot save timetrim: " + why), sent);
        assertEquals("long timetrim = 5;\n", Files.readString(p), "nothing written there");
    }

    @Test
    void aStickyDirectoryOthersMayWriteIsUsed() throws IOException {
        Path tmpLike = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(tmpLike, "unix:mode", 01777);
        TimetrimFile f = new TimetrimFile(tmpLike.resolve("timetrim"), log, "t");
        assertTrue(f.save(11));
        assertEquals(OptionalLong.of(11), f.load());
        assertEquals(List.of(), sent);
    }

    @Test
    void aRepeatedSaveFailureIsOneErrorLineUntilASaveWorks() throws IOException {
        Path target = Files.createDirectory(dir.resolve("timetrim"));
        Files.writeString(target.resolve("keep"), "x");
        TimetrimFile f = new TimetrimFile(target, log, "t");
        assertFalse(f.save(5));
        assertFalse(f.save(6));
        assertEquals(1, sent.size(), sent.toString());
        Files.delete(target.resolve("keep"));
        Files.delete(target);
        assertTrue(f.save(7));
        Files.delete(target);
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "x");
        assertFalse(f.save(8));
        assertEquals(2, sent.size(), "a failure after a success is news again: " + sent);
    }

    // ---- issue 9, item 5: stale temporaries are cleaned at start

    @Test
    void aStaleTemporaryIsRemovedAtStartAndTheFileStillRead() throws IOException {
        Path p = Files.writeString(dir.resolve("timetrim"), "long timetrim = 12;\n");
        Path tmp = Files.writeString(dir.resolve("timetrim.tmp"), "long timetr");
        assertEquals(OptionalLong.of(12), new TimetrimFile(p, log, "t").load());
        assertFalse(Files.exists(tmp));
        assertEquals(List.of("INFO " + tmp + ": removed, left by an unfinished save"), sent);
    }

    @Test
    void aStaleTemporaryLinkIsUnlinkedNotFollowed() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Path tmp = Files.createSymbolicLink(dir.resolve("timetrim.tmp"), victim);
        assertEquals(OptionalLong.empty(), new TimetrimFile(dir.resolve("timetrim"), log, "t").load());
        assertFalse(Files.exists(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("precious\n", Files.readString(victim));
    }

    // ---- the parser stays linear in its input (a hostile file within the cap, or a fuzzer's input)

    @Test
    void parseIsLinearOnInputsThatWouldBacktrack() {
        String digits = "1".repeat(1 << 20);
        String manyOpenings = "/*".repeat(1 << 19);
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
            assertEquals(OptionalLong.empty(), TimetrimFile.parse("long timetrim = 1; double tot_adj = " + digits + "x"));
            assertEquals(OptionalLong.empty(), TimetrimFile.parse(manyOpenings + "5"));
            assertEquals(OptionalLong.of(5), TimetrimFile.parse(" ".repeat(1 << 20) + "5" + " ".repeat(1 << 20)));
        }, "quadratic: a megabyte takes minutes");
        assertEquals(OptionalLong.of(1), TimetrimFile.parse("long timetrim = 1; double tot_adj = 1.5e3; "
                + "double tot_ticks = .25;"));
        assertEquals(OptionalLong.of(4), TimetrimFile.parse("/* a /* b */ 4 /**/"));
        assertEquals(OptionalLong.empty(), TimetrimFile.parse("4 /* unterminated"));
    }
}
