package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safe-write helper on its own (TimetrimFileTest and CrashSafeFilesTest use it through the -P file). */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writesReplacesAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("status");
        AtomicFile.write(f, "one\n".getBytes());
        AtomicFile.write(f, "two\n".getBytes());
        assertEquals("two\n", Files.readString(f));
        assertEquals(dir.resolve("status.tmp"), AtomicFile.temporary(f));
        assertFalse(Files.exists(AtomicFile.temporary(f), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aPlantedLinkAtTheTemporaryNameIsRemovedNotFollowed() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path f = dir.resolve("status");
        Files.createSymbolicLink(AtomicFile.temporary(f), victim);
        AtomicFile.write(f, "new".getBytes());
        assertEquals("precious", Files.readString(victim));
        assertEquals("new", Files.readString(f));
    }

    @Test
    void onlyARegularFileOrALinkIsReplaced() throws Exception {
        Path fifo = HostileFiles.fifo(dir.resolve("fifo"));
        var e = assertThrows(RegularFile.NotRegularException.class, () -> AtomicFile.write(fifo, "x".getBytes()));
        assertEquals("not a regular file (a FIFO)", RegularFile.reason(e));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThrows(RegularFile.NotRegularException.class, () -> AtomicFile.write(sub, "x".getBytes()));
        assertFalse(Files.exists(AtomicFile.temporary(fifo)) || Files.exists(AtomicFile.temporary(sub)));
    }

    @Test
    void removingAStaleTemporarySaysWhetherThereWasOne() throws IOException {
        Path f = dir.resolve("status");
        assertFalse(AtomicFile.removeStaleTemporary(f));
        Files.writeString(AtomicFile.temporary(f), "half");
        assertTrue(AtomicFile.removeStaleTemporary(f));
        assertFalse(Files.exists(AtomicFile.temporary(f)));
    }

    @Test
    void aDirectoryOthersMayWriteIsUnsafeUnlessSticky() throws IOException {
        Path d = Files.createDirectory(dir.resolve("d"));
        Path f = d.resolve("status");
        Files.setAttribute(d, "unix:mode", 0755);
        assertEquals(Optional.empty(), AtomicFile.replaceableByOthers(f));
        Files.setAttribute(d, "unix:mode", 0775);
        assertEquals(Optional.empty(), AtomicFile.replaceableByOthers(f), "the group is the administrator's choice");
        Files.setAttribute(d, "unix:mode", 0777);
        assertEquals(Optional.of(d), AtomicFile.replaceableByOthers(f));
        Files.setAttribute(d, "unix:mode", 01777);
        assertEquals(Optional.empty(), AtomicFile.replaceableByOthers(f));
        assertEquals(Optional.empty(), AtomicFile.replaceableByOthers(dir.resolve("absent/status")));
    }
}
